import { RetryableUpstreamError, UpstreamError } from '../src/connectors/ports/errors';
import { ContactBatch, ContactQuery } from '../src/connectors/ports';
import { MappedContactsAdapter } from '../src/connectors/sql/mapped/mapped-adapters';
import { newContactRecord } from './factories';
import { DEMO, startTestApp, TestApp, useTestApp } from './support/test-app';
import {
  HeldLock,
  LOCKED_ERROR_CODE,
  lockContactsForWrites,
  TEST_DATABASE,
} from './support/test-database';

/** Stands in for the SQL contacts adapter behind the real upstream guard. */
class ScriptedContacts {
  calls = 0;
  constructor(public script: (call: number) => Promise<ContactBatch>) {}
  listContacts(_account: unknown, _query: ContactQuery): Promise<ContactBatch> {
    this.calls++;
    return this.script(this.calls);
  }
}

const page = (): ContactBatch => ({
  records: [newContactRecord({ name: 'Jane Doe' })],
  hasMore: false,
});

async function appWith(
  contacts: ScriptedContacts,
  settings: Record<string, number>,
): Promise<TestApp> {
  return startTestApp(settings, {
    override: (builder) => builder.overrideProvider(MappedContactsAdapter).useValue(contacts),
  });
}

describe('upstream faults', () => {
  describe('retries', () => {
    let t: TestApp;
    afterEach(() => t?.close());

    it('a call that fails twice in a retryable way, then succeeds, is retried to success', async () => {
      const contacts = new ScriptedContacts(async (call) => {
        if (call <= 2) throw new RetryableUpstreamError('connection reset');
        return page();
      });
      t = await appWith(contacts, { upstreamRetries: 2, upstreamRetryBaseMs: 10 });
      const res = await t.post('/contacts/sync', { auth: DEMO });
      expect(res.status).toBe(200);
      expect(res.body.contacts.map((c: any) => c.id)).toEqual(['1']);
      expect(contacts.calls).toBe(3);
    });

    it('gives up after UPSTREAM_RETRIES with a 502 JSON error', async () => {
      const contacts = new ScriptedContacts(async () => {
        throw new RetryableUpstreamError('connection reset');
      });
      t = await appWith(contacts, { upstreamRetries: 2, upstreamRetryBaseMs: 10 });
      const res = await t.post('/contacts/sync', { auth: DEMO });
      expect(res.status).toBe(502);
      expect(res.body).toEqual({
        code: 'upstream_failed',
        message: expect.stringMatching(/gave up after 3 attempts/),
        request_id: res.headers['x-request-id'],
      });
      expect(contacts.calls).toBe(3);
    });

    it('a Retry-After beyond the remaining budget is not waited for: 503 with that Retry-After at once', async () => {
      const contacts = new ScriptedContacts(async () => {
        throw new RetryableUpstreamError('rate limited', 120_000);
      });
      t = await appWith(contacts, { upstreamRetries: 3, requestBudgetMs: 5000 });
      const res = await t.post('/contacts/sync', { auth: DEMO });
      // Not waited for: a wait would have ended at the deadline, in a 504.
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('120');
      expect(res.body.code).toBe('upstream_unavailable');
      expect(res.body.message).toMatch(/asked to retry in 120 s/);
      expect(contacts.calls).toBe(1);
    });

    it('a Retry-After within the budget is honoured, then the call succeeds', async () => {
      const contacts = new ScriptedContacts(async (call) => {
        if (call === 1) throw new RetryableUpstreamError('rate limited', 300);
        return page();
      });
      t = await appWith(contacts, { upstreamRetries: 1 });
      const started = Date.now();
      const res = await t.post('/contacts/sync', { auth: DEMO });
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(contacts.calls).toBe(2);
    });
  });

  describe('circuit breaker', () => {
    const COOLDOWN_MS = 5000;
    let t: TestApp;
    afterAll(() => t.close());

    it('opens after consecutive failures: later requests get 503 + Retry-After without calling the port, then half-open lets one through', async () => {
      let healthy = false;
      const contacts = new ScriptedContacts(async () => {
        if (healthy) return page();
        throw new UpstreamError('connection refused');
      });
      t = await appWith(contacts, {
        upstreamRetries: 0,
        circuitBreakerThreshold: 3,
        // Long enough that the five requests below all come while it is open, however busy
        // the machine.
        circuitBreakerCooldownMs: COOLDOWN_MS,
      });
      for (let i = 0; i < 3; i++) {
        expect((await t.post('/contacts/sync', { auth: DEMO })).status).toBe(502);
      }
      expect(contacts.calls).toBe(3);

      const refused = await Promise.all(
        Array.from({ length: 5 }, () => t.post('/contacts/sync', { auth: DEMO })),
      );
      for (const res of refused) {
        expect(res.status).toBe(503);
        expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(COOLDOWN_MS / 1000);
        expect(res.body).toEqual({
          code: 'upstream_unavailable',
          message: expect.stringMatching(/circuit breaker/),
          request_id: res.headers['x-request-id'],
        });
      }
      expect(contacts.calls).toBe(3);

      // After the cool-down one trial call goes through; it succeeds and the breaker closes.
      healthy = true;
      await new Promise((r) => setTimeout(r, COOLDOWN_MS + 100));
      const trial = await t.post('/contacts/sync', { auth: DEMO });
      expect(trial.status).toBe(200);
      expect(contacts.calls).toBe(4);
      expect((await t.post('/contacts/sync', { auth: DEMO })).status).toBe(200);
      expect(contacts.calls).toBe(5);
    });
  });

  describe(`a busy ${TEST_DATABASE} database (real adapter)`, () => {
    let lock: HeldLock | undefined;
    const t = useTestApp({
      // MariaDB's lock wait timeout counts whole seconds: fewer, longer attempts there.
      upstreamRetries: TEST_DATABASE === 'mariadb' ? 2 : 6,
      upstreamRetryBaseMs: 50,
      upstreamRetryMaxMs: 400,
      databaseLockTimeoutMs: TEST_DATABASE === 'mariadb' ? 1000 : 50,
      // Each failed attempt counts: keep the breaker out of this test.
      circuitBreakerThreshold: 50,
    });
    afterEach(async () => {
      await lock?.release();
      lock = undefined;
    });

    it('a write blocked by another writer waits or is retried with backoff, and succeeds once the lock is gone', async () => {
      lock = await lockContactsForWrites(t.database);
      const action = t.post('/actions/create_contact', { auth: DEMO, data: { name: 'Busy Bee' } });
      const held = lock;
      setTimeout(() => void held.release(), 300);
      const res = await action;
      lock = undefined;
      expect(res.status).toBe(201);
      expect(res.body.contact_external_id).toMatch(/^\d+$/);
    });

    it('a lock that outlasts the retries is a 502 naming the busy database, not a 500', async () => {
      lock = await lockContactsForWrites(t.database);
      const res = await t.post('/actions/create_contact', {
        auth: DEMO,
        data: { name: 'Stuck' },
      });
      expect(res.status).toBe(502);
      expect(res.body.code).toBe('upstream_busy');
      expect(res.body.message).toContain(`database is busy (${LOCKED_ERROR_CODE[TEST_DATABASE]})`);
    });
  });
});
