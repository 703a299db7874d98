import { readFileSync } from 'node:fs';
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
 * of a contact page in the benchmark's profile.
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
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) =>
      setHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined)),
    );
}
