// First: V8 settings that must precede the allocations of everything below.
import './lifecycle/gc-settings';
import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { createApp } from './bootstrap';
import { ConfigError } from './common/config-error';
import { loadConfig } from './config/app-config';
import { installGracefulShutdown } from './lifecycle/graceful-shutdown';
import { tracingFromEnvironment } from './tracing/tracing-switch';

async function main(): Promise<void> {
  const config = loadConfig();
  // The OpenTelemetry SDK is loaded only when an OTLP endpoint is set.
  const tracing = await tracingFromEnvironment();
  const app = await createApp(config, { tracing });
  installGracefulShutdown(app, config, app.get(Logger));
  await app.listen({ port: config.port, host: config.host });
  const shown = config.host === '0.0.0.0' ? 'localhost' : config.host;
  app
    .get(Logger)
    .log(
      `Talkdesk bridge listening on http${config.tlsCertFile ? 's' : ''}://${shown}:${config.port} (Swagger UI at /docs)`,
    );
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
