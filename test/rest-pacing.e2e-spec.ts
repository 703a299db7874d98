import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { parse, stringify } from 'yaml';
import { expectError } from './support/talkdesk';
import { startTestApp, TestApp } from './support/test-app';
import { credentialsOf, FakeHelpdesk } from './support/upstreams/fake-helpdesk';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The pacer's windows are aligned to the epoch (window = floor(now / interval)), so a test that
 * straddles a window's end would see its budget renewed half-way. Windows of an hour, and a test
 * that starts with less than a minute of its window left waits for the next one.
 */
const WINDOW_MS = 3_600_000;
const EDGE_MS = 60_000;
async function clearOfWindowEdge(): Promise<void> {
  const left = WINDOW_MS - (Date.now() % WINDOW_MS);
  if (left < EDGE_MS) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

type Manifest = { pacing?: object; contacts: { request: Record<string, unknown> } };

/** The help desk stand-in, started, and connectors/helpdesk.yaml as `edit` changes it. */
async function pacedHelpdesk(edit: (manifest: Manifest) => void) {
  const helpdesk = new FakeHelpdesk({ contacts: 10 });
  await helpdesk.start();
  const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
  const manifest = parse(readFileSync('connectors/helpdesk.yaml', 'utf8')) as Manifest;
  edit(manifest);
  const file = join(dir, 'paced.yaml');
  writeFileSync(file, stringify(manifest));
  return { helpdesk, dir, file };
}

/**
 * A manifest's `pacing` through two bridge replicas sharing Redis: the requests of one
 * account's credentials are counted in the same windows by both, so the upstream sees no more
 * than the manifest allows, and a request that would have to wait past its budget is a 503
 * with Retry-After, never sent. (The windows last an hour here, so that both replicas'
 * requests fall in one.)
 */
describe('REST connector: pacing shared by replicas through Redis', () => {
  const prefix = `test:pacing:${randomUUID()}:`;
  let helpdesk: FakeHelpdesk;
  let a: TestApp;
  let b: TestApp;
  let dir: string;
  const acme = credentialsOf(0);

  beforeAll(async () => {
    let file: string;
    ({ helpdesk, dir, file } = await pacedHelpdesk((m) => {
      m.pacing = { requests: 3, interval_ms: WINDOW_MS };
    }));
    const config = {
      connector: 'rest' as const,
      connectorManifest: file,
      connectorBaseUrl: helpdesk.baseUrl,
      logLevel: 'silent' as const,
      circuitBreakerThreshold: 0,
      redisUrl: REDIS_URL,
      redisKeyPrefix: prefix,
    };
    a = await startTestApp(config);
    b = await startTestApp(config);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await helpdesk?.stop();
    rmSync(dir, { recursive: true, force: true });
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it(
    'counts both replicas’ requests in one window: the fourth request is not sent',
    async () => {
      await clearOfWindowEdge();
      const before = helpdesk.server.requests.length;
      // The credential check on each replica (then cached there), a contacts page on a: three.
      expect((await a.post('/auth/validate', { auth: acme })).status).toBe(200);
      expect((await b.post('/auth/validate', { auth: acme })).status).toBe(200);
      expect((await a.post('/contacts/sync', { auth: acme })).status).toBe(200);
      expect(helpdesk.server.requests.length - before).toBe(3);
      // b's contacts page would be the fourth of these credentials in the window.
      const refused = await b.post('/contacts/sync', { auth: acme });
      expectError(refused, 503);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(helpdesk.server.requests.length - before).toBe(3);
      // Other credentials have windows of their own.
      const other = credentialsOf(1);
      expect((await b.post('/auth/validate', { auth: other })).status).toBe(200);
      expect(helpdesk.server.requests.length - before).toBe(4);
    },
    2 * EDGE_MS,
  );
});

/**
 * A request's own `pacing` (an endpoint with a limit of its own, such as an export): its
 * requests are counted apart from the others, which it does not slow.
 */
describe('REST connector: pacing of one request', () => {
  let helpdesk: FakeHelpdesk;
  let t: TestApp;
  let dir: string;
  const acme = credentialsOf(0);

  beforeAll(async () => {
    let file: string;
    ({ helpdesk, dir, file } = await pacedHelpdesk((m) => {
      m.contacts.request.pacing = { requests: 1, interval_ms: WINDOW_MS };
    }));
    t = await startTestApp({
      connector: 'rest',
      connectorManifest: file,
      connectorBaseUrl: helpdesk.baseUrl,
      logLevel: 'silent',
      circuitBreakerThreshold: 0,
    });
  });
  afterAll(async () => {
    await t?.close();
    await helpdesk?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'the second contacts request of a window waits (here: past the budget, a 503); the others go',
    async () => {
      await clearOfWindowEdge();
      const sent = (path: string) =>
        helpdesk.server.requests.filter((r) => r.path.endsWith(path)).length;
      expect((await t.post('/contacts/sync', { auth: acme })).status).toBe(200);
      expect(sent('/contacts/export')).toBe(1);
      const refused = await t.post('/contacts/sync', { auth: acme });
      expectError(refused, 503);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(sent('/contacts/export')).toBe(1);
      // Requests of other places of the manifest are not counted in that window.
      for (let i = 0; i < 3; i++) {
        expect((await t.post('/agents/sync', { auth: acme })).status).toBe(200);
      }
      expect(sent('/agents')).toBe(3);
      // Other credentials have windows of their own.
      expect((await t.post('/contacts/sync', { auth: credentialsOf(1) })).status).toBe(200);
    },
    2 * EDGE_MS,
  );
});
