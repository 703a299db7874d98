import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig } from '../config/app-config';

/**
 * Fastify's `https` option when TLS_CERT_FILE and TLS_KEY_FILE are set: the bridge serves HTTPS
 * itself. Typed loosely so that the adapter's options keep the plain HTTP request types.
 */
export function httpsOptions(config: AppConfig): { https: { cert: Buffer; key: Buffer } } | object {
  if (!config.tlsCertFile || !config.tlsKeyFile) return {};
  return {
    https: { cert: readFileSync(config.tlsCertFile), key: readFileSync(config.tlsKeyFile) },
  };
}

/**
 * Security headers on every response (helmet). The content security policy allows only the
 * bridge's own scripts; Swagger UI at /docs needs inline styles and data: images, and fetches its
 * document from the same origin. Resources may be loaded cross-origin, because Talkdesk shows the
 * integration's logo from /integration/logo.svg on its own pages. The headers are worked out once
 * here: @fastify/helmet rebuilds them from the options on every request, about 2 % of the CPU
 * of a contact page in the benchmark's profile, and running helmet's own middlewares on each
 * request still took 3.7 % of an interaction retrieval's.
 */
export function registerSecurityHeaders(app: NestFastifyApplication, config: AppConfig): void {
  const setHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        // Only meaningful when the page itself is served over HTTPS by the bridge.
        'upgrade-insecure-requests': config.tlsCertFile ? [] : null,
      },
    },
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
  const { set, removed } = headersOf(setHeaders);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (_request, reply, done) => {
      const raw = reply.raw;
      for (const [name, value] of set) raw.setHeader(name, value);
      for (const name of removed) raw.removeHeader(name);
      done();
    });
}

type HeaderMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * What helmet does to a response, recorded once: with these options (no nonces, no functions of
 * the request) it sets the same headers on every response, so replaying the record gives the
 * same answer as running its dozen middlewares on each request, for a fraction of the time.
 */
function headersOf(middleware: HeaderMiddleware): {
  set: [string, string | number | readonly string[]][];
  removed: string[];
} {
  const set: [string, string | number | readonly string[]][] = [];
  const removed: string[] = [];
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      set.push([name, value]);
      return recorder;
    },
    removeHeader: (name: string) => {
      removed.push(name);
    },
  };
  let failure: unknown;
  let finished = false;
  middleware({ headers: {} } as IncomingMessage, recorder as unknown as ServerResponse, (error) => {
    failure = error;
    finished = true;
  });
  if (!finished || failure)
    throw new Error(`helmet did not set its headers at once: ${String(failure)}`);
  return { set, removed };
}
