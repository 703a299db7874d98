import { IncomingMessage, ServerResponse } from 'node:http';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PinoLogger } from 'nestjs-pino';
import { digest } from '../common/canonical-json';

/** Where the route pattern of a request is kept on the raw request, for its log line. */
const ROUTE = Symbol('route');
type RawRequest = IncomingMessage & { [ROUTE]?: string };

/** The raw request as pino-std-serializers hands it to a serializer. */
interface SerializedRequest {
  method: string;
  url: string;
  headers: Record<string, unknown>;
  remoteAddress?: string;
  remotePort?: number;
  raw: RawRequest;
}
interface SerializedResponse {
  statusCode: number;
  headers: Record<string, unknown>;
}

/** Probes and scrapes: every few seconds, all alike. */
const ROUTINE = /^\/(health\/[^?]*|metrics)(\?|$)/;

const DETAILED_LEVELS = new Set(['debug', 'trace']);

/**
 * The parts of the pino-http options that shape the request log: one line per request with its
 * method, URL, route pattern, status, duration (`responseTime`, ms), request id and the hash of
 * the account it was served for (see `logAccount`); request and response headers only when
 * LOG_LEVEL is `debug` or `trace`; probes (`/health/*`) and `/metrics` at `debug`; every line
 * with the level's name (`level_name`) beside its number (`level`).
 */
export function requestLogOptions(logLevel: string) {
  const detailed = DETAILED_LEVELS.has(logLevel);
  const withRoute = (req: RawRequest, value: object) =>
    req[ROUTE] === undefined ? value : { route: req[ROUTE], ...value };
  return {
    formatters: {
      level: (label: string, level: number) => ({ level, level_name: label }),
    },
    serializers: {
      req: (req: SerializedRequest) =>
        detailed
          ? {
              method: req.method,
              url: req.url,
              headers: req.headers,
              remoteAddress: req.remoteAddress,
              remotePort: req.remotePort,
            }
          : { method: req.method, url: req.url },
      res: (res: SerializedResponse) =>
        detailed
          ? { statusCode: res.statusCode, headers: res.headers }
          : { statusCode: res.statusCode },
    },
    customLogLevel: (req: IncomingMessage, res: ServerResponse, error?: Error) =>
      ROUTINE.test(req.url ?? '')
        ? 'debug'
        : error || res.statusCode >= 500
          ? 'error'
          : res.statusCode >= 400
            ? 'warn'
            : 'info',
    customSuccessObject: (req: RawRequest, _res: ServerResponse, value: object) =>
      withRoute(req, value),
    customErrorObject: (req: RawRequest, _res: ServerResponse, _error: Error, value: object) =>
      withRoute(req, value),
  };
}

/** Keeps each request's route pattern (`/actions/:name`, never the raw URL) for its log line. */
export function installRequestLogRoute(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, _reply, done) => {
      const route = request.routeOptions.url;
      if (route !== undefined) (request.raw as RawRequest)[ROUTE] = route;
      done();
    });
}

/** Log keys of the accounts seen lately; cleared when full (a few accounts serve most requests). */
const logKeys = new Map<string, string>();
const MAX_LOG_KEYS = 10_000;

/** The account's key as logged: a hash, short enough to read, never the key or credentials. */
export function accountLogKey(accountKey: string): string {
  let key = logKeys.get(accountKey);
  if (key === undefined) {
    if (logKeys.size >= MAX_LOG_KEYS) logKeys.clear();
    key = digest(accountKey).slice(0, 16);
    logKeys.set(accountKey, key);
  }
  return key;
}

/**
 * Adds the account's hash as `account` to every later line of the current request, its closing
 * line included. Outside a request (a command-line tool, a unit test) it does nothing.
 */
export function logAccount(logger: PinoLogger | undefined, accountKey: string): void {
  if (!logger) return;
  try {
    logger.assign({ account: accountLogKey(accountKey) });
  } catch {
    // Not within a request: nothing to tie the account to.
  }
}
