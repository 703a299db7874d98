import { AsyncLocalStorage } from 'node:async_hooks';
import { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger as PinoRoot } from 'pino';
import { digest } from '../common/canonical-json';

/** The raw request as pino-std-serializers hands it to a serializer. */
interface SerializedRequest {
  method: string;
  url: string;
  headers: Record<string, unknown>;
  remoteAddress?: string;
  remotePort?: number;
}
interface SerializedResponse {
  statusCode: number;
  headers: Record<string, unknown>;
}

/** Probes and scrapes: every few seconds, all alike. */
const ROUTINE = /^\/(health\/[^?]*|metrics)(\?|$)/;

const DETAILED_LEVELS = new Set(['debug', 'trace']);

type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * What the pino logger needs to shape the request log: the level's name (`level_name`) beside its
 * number (`level`) on every line, and request and response headers only when LOG_LEVEL is `debug`
 * or `trace` (the serializers receive what pino-std-serializers makes of the raw request and
 * response).
 */
export function requestLogOptions(logLevel: string) {
  const detailed = DETAILED_LEVELS.has(logLevel);
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
  };
}

/** The level of a request's closing line: probes and scrapes at debug, else by the outcome. */
export function requestLogLevel(url: string, statusCode: number, error?: Error): Level {
  if (ROUTINE.test(url)) return 'debug';
  if (error || statusCode >= 500) return 'error';
  return statusCode >= 400 ? 'warn' : 'info';
}

/** What the lines logged while a request is served carry: its id, and the account once known. */
interface RequestLogContext {
  readonly id: string;
  account?: string;
}

const context = new AsyncLocalStorage<RequestLogContext>();

/**
 * The fields of the request being served (`request_id`, and `account` once its credentials are
 * accepted), for pino's `mixin`: every line logged while a request is served carries them,
 * whoever logs it. Outside a request, and for a line that names its request itself (the closing
 * line, which keeps its own order of fields): none.
 */
export function requestLogFields(line?: object): { request_id?: string; account?: string } {
  const current = context.getStore();
  if (current === undefined || (line !== undefined && 'request_id' in line)) return {};
  return current.account === undefined
    ? { request_id: current.id }
    : { request_id: current.id, account: current.account };
}

/**
 * Serves the rest of the request (later hooks, guards, handler) in its log context, and logs its
 * closing line once the answer is out or the connection closed: method, URL, route pattern
 * (`/actions/:name`, never the raw URL; absent when no route matched), status, duration
 * (`responseTime`, ms), request id and account hash; `request errored` with an error for a 5xx.
 * One line per request, built when it ends: nothing per request is made before (no child
 * logger), and a line below the logger's level costs a comparison.
 */
export function startRequestLog(
  root: PinoRoot,
  request: FastifyRequest,
  reply: FastifyReply,
  onEnd: (request: FastifyRequest, reply: FastifyReply) => void,
  serve: () => void,
): void {
  const started = Date.now();
  const current: RequestLogContext = { id: request.id };
  const raw = reply.raw;
  raw.once('close', () => {
    onEnd(request, reply);
    logCompleted(root, request, raw, current, Date.now() - started);
  });
  context.run(current, serve);
}

function logCompleted(
  root: PinoRoot,
  request: FastifyRequest,
  res: ServerResponse,
  current: RequestLogContext,
  responseTime: number,
): void {
  const req: IncomingMessage = request.raw;
  const status = res.statusCode;
  const failure = res.errored ?? undefined;
  const level = requestLogLevel(req.url ?? '', status, failure);
  if (!root.isLevelEnabled(level)) return;
  const route = request.routeOptions.url;
  const line: Record<string, unknown> = { request_id: current.id, req };
  if (current.account !== undefined) line.account = current.account;
  if (route !== undefined) line.route = route;
  line.res = res;
  if (failure || status >= 500) {
    line.err = failure ?? new Error(`failed with status code ${status}`);
    line.responseTime = responseTime;
    root[level](line, 'request errored');
  } else {
    line.responseTime = responseTime;
    root[level](line, 'request completed');
  }
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
export function logAccount(accountKey: string): void {
  const current = context.getStore();
  if (current !== undefined) current.account = accountLogKey(accountKey);
}
