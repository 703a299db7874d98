import type { FastifyInstance } from 'fastify';
import type { TraceAttributes, UpstreamTracer } from '../connectors/ports/upstream-tracer';

/**
 * Adds attributes to the span of the request being served (the account's hash). An abstract
 * class, so it is also the injection token: bound only when tracing is on.
 */
export abstract class RequestTracing {
  abstract annotate(attributes: TraceAttributes): void;
}

/**
 * Tracing as the rest of the bridge sees it, once started (`startTracing` in
 * `start-tracing.ts`, the only file that loads the OpenTelemetry SDK). This file loads nothing.
 */
export interface BridgeTracing {
  /** Spans of the guarded calls, their attempts and SQL statements. */
  readonly upstream: UpstreamTracer;
  readonly requests: RequestTracing;
  /** Makes every request a span (before any other hook is added). */
  instrument(fastify: FastifyInstance): void;
  /** A pino mixin: `trace_id` and `span_id` of the context a line is logged in. */
  logFields(): Record<string, string>;
  /** Sends the spans still buffered and stops tracing (the process may start it again). */
  shutdown(): Promise<void>;
}
