import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import { DestinationStream } from 'pino';
import { createApp } from '../../src/bootstrap';
import { AppConfig, loadConfig } from '../../src/config/app-config';

export const DEMO = { username: 'demo@example.com', password: 'demo' };
export const OTHER = { username: 'other@example.com', password: 'other' };

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  dataDir: string;
  /** POST a JSON body; answers status, parsed body and headers. */
  post(
    url: string,
    body: unknown,
  ): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
  get(url: string): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Replaces providers (e.g. an adapter) before the app is built. */
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
  /** Captures the JSON logs. */
  logDestination?: DestinationStream;
}

/** The real bridge on a fresh SQLite database (demo data seeded), served through Fastify's inject. */
export async function startTestApp(
  overrides: Partial<AppConfig> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bridge-test-'));
  const config = loadConfig({}, { dataDir, logLevel: 'silent', ...overrides });
  const { override } = options;
  const app = await createApp(config, {
    logDestination: options.logDestination,
    instantiate: override
      ? async (module, adapter) => {
          const moduleRef = await override(
            Test.createTestingModule({ imports: [module] }),
          ).compile();
          return moduleRef.createNestApplication<NestFastifyApplication>(adapter, {
            bufferLogs: true,
          });
        }
      : undefined,
  });
  await app.getHttpAdapter().getInstance().ready();
  const parse = (payload: string) => {
    try {
      return payload ? JSON.parse(payload) : undefined;
    } catch {
      return payload;
    }
  };
  return {
    app,
    config,
    dataDir,
    async post(url, body) {
      const res = await app.inject({ method: 'POST', url, payload: body as object });
      return { status: res.statusCode, body: parse(res.payload), headers: res.headers };
    },
    async get(url) {
      const res = await app.inject({ method: 'GET', url });
      return { status: res.statusCode, body: parse(res.payload), headers: res.headers };
    },
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
