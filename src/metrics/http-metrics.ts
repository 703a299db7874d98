import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { MetricsService } from './metrics.service';

/** The `route` label of requests that matched no route (404s): never the raw URL. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Times every HTTP request from arrival to the last byte of its answer and counts it by method,
 * route pattern (`/actions/:name`, not `/actions/create_ticket`) and status code. Uses Fastify's
 * own timer (`reply.elapsedTime`); one map lookup per request.
 */
export function installHttpMetrics(app: NestFastifyApplication): void {
  const metrics = app.get(MetricsService);
  if (!metrics.enabled) return;
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', (request, reply, done) => {
      metrics.observeHttpRequest(
        request.method,
        request.routeOptions.url ?? UNMATCHED_ROUTE,
        reply.statusCode,
        reply.elapsedTime / 1000,
      );
      done();
    });
}
