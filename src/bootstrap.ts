import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { AppConfig } from './config/app-config';
import { buildOpenApiDocument } from './openapi/openapi-document';
import { fastifyTrustProxy } from './security/address-list';
import { httpsOptions, registerSecurityHeaders } from './security/http-hardening';
import { AllExceptionsFilter } from './talkdesk/all-exceptions.filter';
import { TimeBudget } from './talkdesk/time-budget';
import { createValidationPipe } from './talkdesk/validation';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** The caller's x-request-id when it is sane, else a fresh one; also set on the raw request for the logger. */
function requestId(raw: IncomingMessage): string {
  const header = raw.headers['x-request-id'];
  const id = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
  (raw as IncomingMessage & { id?: string }).id = id;
  return id;
}

/** The bridge, fully configured but not listening: used by main, the tests and the spec export. */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    genReqId: requestId,
    // Request logs come from the pino logger (nestjs-pino), with the same request id.
    logger: false,
    // X-Forwarded-For is believed only from the proxies TRUST_PROXY names (IP_ALLOWLIST relies on it).
    trustProxy: fastifyTrustProxy(config.trustProxy),
    ...httpsOptions(config),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: true,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  await registerSecurityHeaders(app, config);

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, _reply, done) => {
    request.budget = new TimeBudget(config.requestBudgetMs, performance.now());
    done();
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', request.id);
    done(null, payload);
  });
  // Talkdesk sends JSON only; anything else is refused with 415 instead of parsed as text.
  fastify.removeContentTypeParser('text/plain');

  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.enableShutdownHooks();

  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Talkdesk Bridge API',
  });
  await app.init();
  return app;
}
