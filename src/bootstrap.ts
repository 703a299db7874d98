import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { DynamicModule, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger, PinoLogger } from 'nestjs-pino';
import { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import { AppConfig } from './config/app-config';
import { buildOpenApiDocument } from './openapi/openapi-document';
import { ShutdownState } from './lifecycle/shutdown-state';
import { fastifyTrustProxy } from './security/address-list';
import { httpsOptions, registerSecurityHeaders } from './security/http-hardening';
import { capConnections, fastifyServerOptions, nodeServerOptions } from './security/http-limits';
import { installHttpMetrics } from './metrics/http-metrics';
import { AllExceptionsFilter, sendFrameworkError } from './talkdesk/all-exceptions.filter';
import { answerClientError } from './talkdesk/client-errors';
import { disarmDeadline, installDeadline } from './talkdesk/deadline';
import { installJsonBodyParser } from './talkdesk/json-body';
import { startRequestLog } from './talkdesk/request-log';
import { TimeBudget } from './common/time-budget';
import { createValidationPipe } from './talkdesk/validation';
import type { BridgeTracing } from './tracing/bridge-tracing';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** The caller's x-request-id when it is sane, else a fresh one; also set on the raw request for the logger. */
function requestId(raw: IncomingMessage): string {
  const header = raw.headers['x-request-id'];
  const id = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
  (raw as IncomingMessage & { id?: string }).id = id;
  return id;
}

/**
 * Nest's own body parsers stay off: the bridge installs its JSON parser itself, and any other
 * content type (forms, text) is refused with 415.
 */
export const NEST_APP_OPTIONS: NestApplicationOptions = { bufferLogs: true, bodyParser: false };

export interface CreateAppOptions {
  /** Where the JSON logs go (stdout by default): tests capture them. */
  logDestination?: DestinationStream;
  /**
   * Builds the application from the root module and the Fastify adapter; by default
   * NestFactory.create. Tests build it through a testing module to replace providers.
   */
  instantiate?: (module: DynamicModule, adapter: FastifyAdapter) => Promise<NestFastifyApplication>;
  /**
   * Started tracing (`startTracing`, when the OTEL_* variables ask for it): every request, guarded
   * call and upstream request becomes a span. The application stops it when it closes.
   */
  tracing?: BridgeTracing;
}

/** Node's server options, for HTTP (`http`) or, with TLS_CERT_FILE, HTTPS (`https`). */
function serverOptions(config: AppConfig): { http: object } | { https: object } {
  const node = nodeServerOptions(config);
  const tls = httpsOptions(config);
  return 'https' in tls ? { https: { ...tls.https, ...node } } : { http: node };
}

/** The bridge, fully configured but not listening: used by main, the tests and the spec export. */
export async function createApp(
  config: AppConfig,
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    genReqId: requestId,
    // Request logs come from the pino logger (nestjs-pino's root, see startRequestLog), with the same request id.
    logger: false,
    // No NestJS middleware is mounted (the request log is a hook), so @fastify/middie, which
    // would otherwise run on every request, is not registered.
    skipMiddie: true,
    // X-Forwarded-For is believed only from the proxies TRUST_PROXY names (IP_ALLOWLIST relies on it).
    trustProxy: fastifyTrustProxy(config.trustProxy),
    // Malformed URLs and over-long route parameters: JSON errors with a code, like the rest.
    frameworkErrors: sendFrameworkError,
    // What Node's parser refuses (bad framing or bytes, 431, 408): JSON with a code too.
    clientErrorHandler: answerClientError,
    // Slow clients: timeouts for headers and the whole request, keep-alive limits.
    ...fastifyServerOptions(config),
    ...serverOptions(config),
  });
  // First of all hooks: the request span is the context every later hook and handler runs in.
  options.tracing?.instrument(adapter.getInstance());
  const module = await AppModule.forRoot(config, {
    logDestination: options.logDestination,
    tracing: options.tracing,
  });
  const app = options.instantiate
    ? await options.instantiate(module, adapter)
    : await NestFactory.create<NestFastifyApplication>(module, adapter, NEST_APP_OPTIONS);
  const logger = app.get(Logger);
  app.useLogger(logger);
  registerSecurityHeaders(app, config);

  const fastify = app.getHttpAdapter().getInstance();
  capConnections(fastify.server, config);
  const shutdown = app.get(ShutdownState);
  const root = PinoLogger.root;
  const ended = (request: FastifyRequest, reply: FastifyReply) => {
    shutdown.requestEnded();
    disarmDeadline(request);
    // Answered in full: nothing is left to cut short. A client gone before its answer keeps
    // the budget, which still stops the work it started.
    if (reply.raw.writableFinished) request.budget?.release();
  };
  fastify.addHook('onRequest', (request, reply, done) => {
    request.budget = new TimeBudget(config.requestBudgetMs, performance.now());
    shutdown.requestStarted();
    // The rest of the request runs in its log context; its closing line is written at the end.
    startRequestLog(root, request, reply, ended, done);
  });
  installHttpMetrics(app);
  installDeadline(app);
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', request.id);
    done(null, payload);
  });
  // Talkdesk sends JSON only; anything else is refused with 415 instead of parsed as text.
  fastify.removeContentTypeParser('text/plain');
  installJsonBodyParser(app, config.bodyLimitBytes, config.jsonMaxDepth);

  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  // Signals are handled by installGracefulShutdown (main.ts): drain first, then close.

  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Talkdesk Bridge API',
  });
  await app.init();
  return app;
}
