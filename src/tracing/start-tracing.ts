import { FastifyOtelInstrumentation } from '@fastify/otel';
import { Logger } from '@nestjs/common';
import {
  context,
  diag,
  DiagLogLevel,
  isSpanContextValid,
  propagation,
  trace,
  type Span,
  type TextMapPropagator,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ConfigError } from '../common/config-error';
import { packageVersion } from '../common/package-version';
import type { BridgeTracing } from './bridge-tracing';
import { OtelUpstreamTracer } from './otel-upstream-tracer';
import { redactedUrl } from './redact-url';
import { samplerFromEnvironment } from './sampler';

const NAME = 'talkdesk-bridge';

/** Probes, scrapes and the Swagger UI: frequent, all alike, not worth a trace. */
const UNTRACED = /^\/(health\/|metrics(\?|$)|docs([/?-]|$))/;

/** Longest wait for the last spans to leave when the bridge shuts down. */
const SHUTDOWN_FLUSH_MS = 3000;

/** Only OTLP over HTTP with protobuf bodies (the specification's default) is exported. */
function checkProtocol(env: Record<string, string | undefined>): void {
  for (const variable of ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL']) {
    const value = env[variable]?.trim();
    if (!value) continue;
    if (value !== 'http/protobuf') {
      throw new ConfigError(
        `${variable}=${JSON.stringify(value)}: the bridge exports traces over http/protobuf only`,
      );
    }
    return;
  }
}

/** The request span: `POST /contacts/sync`, the route pattern, the path without its query. */
function nameRequestSpan(span: Span, request: FastifyRequest): void {
  const route = request.routeOptions.url;
  span.updateName(route ? `${request.method} ${route}` : request.method);
  span.setAttribute('url.path', request.url.split('?')[0]);
}

/**
 * Starts tracing as the standard OpenTelemetry variables describe it: spans exported in
 * batches over OTLP/HTTP (protobuf) to `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or
 * `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces` (with `OTEL_EXPORTER_OTLP_HEADERS`, `_TIMEOUT`,
 * `_COMPRESSION`, `_CERTIFICATE`...), sampled by `OTEL_TRACES_SAMPLER`, the resource named by
 * `OTEL_SERVICE_NAME` / `OTEL_RESOURCE_ATTRIBUTES`; W3C `traceparent` and `baggage` read from
 * callers and sent to upstreams. Every variable is read from the process's environment (the
 * exporter reads its own there). One tracing at a time per process.
 */
export function startTracing(): BridgeTracing {
  const env = process.env;
  checkProtocol(env);
  const sampler = samplerFromEnvironment(env);
  // The SDK's own troubles (a collector that does not answer, spans dropped): warnings in the log.
  const logger = new Logger('Tracing');
  const log = (message: string, ...args: unknown[]) =>
    logger.warn([message, ...args.map(String)].join(' '));
  const quiet = () => undefined;
  diag.setLogger(
    { error: log, warn: log, info: quiet, debug: quiet, verbose: quiet },
    DiagLogLevel.WARN,
  );
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': NAME, 'service.version': packageVersion() }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new TracerProvider({
    resource,
    sampler,
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  if (!context.setGlobalContextManager(contextManager)) {
    contextManager.disable();
    diag.disable();
    throw new Error('OpenTelemetry is already started in this process');
  }
  const propagator: TextMapPropagator = new CompositePropagator({
    propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
  });
  propagation.setGlobalPropagator(propagator);

  // Fastify: one span per request (hooks and handlers are not spans of their own).
  const fastify = new FastifyOtelInstrumentation({
    instrumentHooks: false,
    instrumentHandler: false,
    recordExceptions: false,
    ignorePaths: (route: { url?: string }) => UNTRACED.test(route.url ?? ''),
    requestHook: nameRequestSpan,
  });
  fastify.setTracerProvider(provider);
  // undici (the REST connector's client): a span per request within a traced one, carrying
  // `traceparent`; URLs without credentials or query values; headers never recorded.
  const undici = new UndiciInstrumentation({
    requireParentforSpans: true,
    startSpanHook: (request) => {
      const { full, query } = redactedUrl(new URL(request.path, request.origin));
      return { 'url.full': full, 'url.query': query };
    },
  });
  undici.setTracerProvider(provider);

  const upstream = new OtelUpstreamTracer(provider.getTracer(NAME, packageVersion()));
  let stopped = false;
  return {
    upstream,
    requests: {
      annotate: (attributes) => trace.getActiveSpan()?.setAttributes(attributes),
    },
    instrument: (instance: FastifyInstance) => {
      // What `registerOnInitialization` would do, on this instance only.
      fastify.plugin()(instance, {}, () => undefined);
    },
    // A new object each time: pino merges the line's own fields into it.
    logFields: (): Record<string, string> => {
      const ids = trace.getActiveSpan()?.spanContext();
      return ids && isSpanContextValid(ids) ? { trace_id: ids.traceId, span_id: ids.spanId } : {};
    },
    shutdown: async () => {
      if (stopped) return;
      stopped = true;
      undici.disable();
      fastify.disable();
      try {
        // The last spans get a few seconds: a collector that does not answer must not hold up
        // the shutdown (the exporter alone would wait OTEL_EXPORTER_OTLP_TIMEOUT, 10 s).
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          provider.shutdown(),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, SHUTDOWN_FLUSH_MS);
            timer.unref();
          }),
        ]);
        clearTimeout(timer);
      } finally {
        propagation.disable();
        context.disable();
        diag.disable();
      }
    },
  };
}
