import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import { InjectOptions } from 'fastify';
import { DestinationStream } from 'pino';
import { createApp, NEST_APP_OPTIONS } from '../../src/bootstrap';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { Database, openDatabase } from '../../src/connectors/sql/database';
import type { BridgeTracing } from '../../src/tracing/bridge-tracing';
import { Lazy, useFixture, valueOf } from './hooks';
import { overridePorts, PortSet } from './ports';
import { createTestDatabase, TestDatabase } from './test-database';

export const DEMO = { username: 'demo@example.com', password: 'demo' };
export const OTHER = { username: 'other@example.com', password: 'other' };

export interface Reply {
  status: number;
  /** The payload parsed as JSON, the raw payload when it is not JSON, undefined when empty. */
  body: any;
  headers: Record<string, unknown>;
  /** The raw payload. */
  payload: string;
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  dataDir: string;
  /** The database of its own this app runs on (TEST_DATABASE: SQLite, PostgreSQL or MariaDB). */
  database: TestDatabase;
  /** POST a JSON body; answers status, parsed body and headers. */
  post(url: string, body: unknown, headers?: Record<string, string>): Promise<Reply>;
  get(url: string, headers?: Record<string, string>): Promise<Reply>;
  /** Any request, e.g. a raw payload with its own content type. */
  inject(options: InjectOptions): Promise<Reply>;
  /** The demo database the SQL connector serves (to read and write what the external system holds). */
  db(): Database;
  /** Closes the app (its replicas first) and drops its database; once, however often called. */
  close(): Promise<void>;
}

const parse = (payload: string): unknown => {
  try {
    return payload ? JSON.parse(payload) : undefined;
  } catch {
    return payload;
  }
};

export interface TestAppOptions {
  /** Replaces providers (e.g. an adapter) before the app is built. */
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
  /** Replaces ports (e.g. with fakes), in front of the upstream guard. */
  ports?: { [K in keyof PortSet]?: Partial<PortSet[K]> };
  /** Captures the JSON logs. */
  logDestination?: DestinationStream;
  /**
   * Serves the same database as another test app (a second replica): nothing is created, and
   * closing this app leaves the database to its owner.
   */
  shareDatabaseWith?: TestApp;
  /** Started tracing (`startTracing`): the app traces its requests and stops it when closed. */
  tracing?: BridgeTracing;
}

/** The close() of the replicas serving each test database: its owner closes them before it drops it. */
const replicasOf = new WeakMap<TestDatabase, Set<() => Promise<void>>>();

/**
 * The real bridge on a fresh database of its own (demo data seeded), served through Fastify's
 * inject: an SQLite file, or a new PostgreSQL/MariaDB database when TEST_DATABASE says so.
 */
export async function startTestApp(
  overrides: Partial<AppConfig> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const shared = options.shareDatabaseWith?.database;
  const database = shared ?? (await createTestDatabase());
  const drop = () => (shared ? Promise.resolve() : database.drop());
  const { dataDir } = database;
  let config: AppConfig;
  let app: NestFastifyApplication;
  try {
    config = loadConfig(
      {},
      { dataDir, databaseUrl: database.url, logLevel: 'silent', ...overrides },
    );
    const { ports } = options;
    const override = ports
      ? (builder: TestingModuleBuilder) =>
          overridePorts(options.override ? options.override(builder) : builder, ports)
      : options.override;
    app = await createApp(config, {
      logDestination: options.logDestination,
      tracing: options.tracing,
      instantiate: override
        ? async (module, adapter) => {
            const moduleRef = await override(
              Test.createTestingModule({ imports: [module] }),
            ).compile();
            return moduleRef.createNestApplication<NestFastifyApplication>(
              adapter,
              NEST_APP_OPTIONS,
            );
          }
        : undefined,
    });
    await app.getHttpAdapter().getInstance().ready();
  } catch (error) {
    await options.tracing?.shutdown();
    await drop();
    throw error;
  }
  // A connection of the test's own, opened when first asked for, as another client of the
  // external system would have.
  let own: Database | undefined;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      if (!shared) {
        for (const replica of [...(replicasOf.get(database) ?? [])]) await replica();
      }
      try {
        await app.close();
      } finally {
        replicasOf.get(database)?.delete(close);
        await own?.destroy();
        await drop();
      }
    })());
  if (shared) {
    if (!replicasOf.has(database)) replicasOf.set(database, new Set());
    replicasOf.get(database)?.add(close);
  }
  const inject = async (options: InjectOptions): Promise<Reply> => {
    const res = await app.inject(options);
    return {
      status: res.statusCode,
      body: parse(res.payload),
      headers: res.headers,
      payload: res.payload,
    };
  };
  return {
    app,
    config,
    dataDir,
    database,
    post: (url, body, headers) =>
      inject({ method: 'POST', url, payload: body as object, ...(headers && { headers }) }),
    get: (url, headers) => inject({ method: 'GET', url, ...(headers && { headers }) }),
    inject,
    db: () => (own ??= openDatabase(config.databaseUrl, config.dataDir)),
    close,
  };
}

/**
 * One test app for the enclosing describe block: started in a beforeAll, closed in an afterAll.
 * Answers a stand-in that reaches the app once started. A replica (`shareDatabaseWith`) is
 * closed before the app whose database it shares.
 *
 *   const t = useTestApp({ bodyLimitBytes: 2048 });
 *   it('...', async () => expect((await t.get('/health/live')).status).toBe(200));
 */
export function useTestApp(
  overrides: Lazy<Partial<AppConfig>> = {},
  options: Lazy<TestAppOptions> = {},
): TestApp {
  return useFixture(
    'the test app',
    () => startTestApp(valueOf(overrides), valueOf(options)),
    (t) => t.close(),
  );
}
