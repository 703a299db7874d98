import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '..');

/**
 * Builds the bridge in a fresh process (its TypeScript sources, no build) with `env`, as main.ts
 * does (tracing started only when the OTEL_* variables ask for it), and lists
 * the npm packages it loaded: what a bridge so configured keeps in memory.
 */
async function packagesLoadedWith(env: Record<string, string>): Promise<Set<string>> {
  const script = `
    require('reflect-metadata');
    const { createApp } = require('./src/bootstrap.ts');
    const { loadConfig } = require('./src/config/app-config.ts');
    const { tracingFromEnvironment } = require('./src/tracing/tracing-switch.ts');
    tracingFromEnvironment().then((tracing) => createApp(loadConfig(), { tracing })).then(async (app) => {
      const packages = new Set();
      for (const file of Object.keys(require.cache)) {
        const match = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(file);
        if (match) packages.add(match[1]);
      }
      await app.close();
      process.stdout.write(JSON.stringify([...packages]));
    });
  `;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--no-warnings', '-r', './test/support/register-ts.js', '-e', script],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        LOG_LEVEL: 'silent',
        SEED_DEMO: 'false',
        OTEL_EXPORTER_OTLP_ENDPOINT: '',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
        ...env,
      },
      maxBuffer: 1 << 20,
    },
  );
  return new Set(JSON.parse(stdout) as string[]);
}

const SERVER_DRIVERS = ['pg', 'mysql2', 'ioredis'];
/** What reading a manifest takes: both connectors, the demo included, are served through one. */
const MANIFEST_LIBRARIES = ['jsonata', 'yaml'];
const REST_LIBRARIES = ['undici', 'typebox', ...MANIFEST_LIBRARIES];
/** The tracing SDK and instrumentations (prom-client loads the API itself, for its exemplars). */
const tracingLibraries = (loaded: Set<string>) =>
  [...loaded].filter(
    (name) =>
      (name.startsWith('@opentelemetry/') && name !== '@opentelemetry/api') ||
      name === '@fastify/otel',
  );

describe('libraries a bridge loads (only those of the connector and database it uses)', () => {
  it('on SQLite (the default): no PostgreSQL, MySQL or Redis client, nothing of the REST connector but the manifests’ YAML and JSONata', async () => {
    const loaded = await packagesLoadedWith({ CONNECTOR: 'sql', DATABASE_URL: 'sqlite::memory:' });
    expect(loaded).toContain('better-sqlite3');
    expect(loaded).toContain('kysely');
    for (const name of MANIFEST_LIBRARIES) expect(loaded).toContain(name);
    const restOnly = REST_LIBRARIES.filter((name) => !MANIFEST_LIBRARIES.includes(name));
    for (const name of [...SERVER_DRIVERS, ...restOnly]) expect(loaded).not.toContain(name);
    expect(tracingLibraries(loaded)).toEqual([]);
  });

  it('with the REST connector: its HTTP client, JSONata, YAML and TypeBox, and no SQL driver but SQLite', async () => {
    const loaded = await packagesLoadedWith({
      CONNECTOR: 'rest',
      CONNECTOR_MANIFEST: 'connectors/helpdesk.yaml',
      CONNECTOR_BASE_URL: 'http://127.0.0.1:9/api',
    });
    for (const name of REST_LIBRARIES) expect(loaded).toContain(name);
    for (const name of SERVER_DRIVERS) expect(loaded).not.toContain(name);
    expect(tracingLibraries(loaded)).toEqual([]);
  });

  it('tracing: the OpenTelemetry SDK only when an OTLP endpoint is set', async () => {
    const loaded = await packagesLoadedWith({
      CONNECTOR: 'sql',
      DATABASE_URL: 'sqlite::memory:',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
    });
    expect(tracingLibraries(loaded)).toEqual(
      expect.arrayContaining([
        '@opentelemetry/sdk-trace',
        '@opentelemetry/exporter-trace-otlp-proto',
        '@fastify/otel',
      ]),
    );
  });
});
