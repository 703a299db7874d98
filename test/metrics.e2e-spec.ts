import { randomUUID } from 'node:crypto';
import { toE164 } from '../src/talkdesk/contract/phone';
import { RetryableUpstreamError, UpstreamError } from '../src/connectors/ports/errors';
import { ContactBatch } from '../src/connectors/ports';
import { MappedContactsAdapter } from '../src/connectors/sql/mapped/mapped-adapters';
import { findAccountId } from '../src/connectors/sql/sql-writer';
import { labelValues, parsePrometheus, Sample, total } from './support/prometheus';
import { expectError, syncAgents, syncContacts } from './support/talkdesk';
import { newContactRecord } from './factories';
import { DEMO, startTestApp, TestApp, useTestApp } from './support/test-app';

async function scrape(t: TestApp): Promise<Sample[]> {
  const res = await t.get('/metrics');
  expect(res.status).toBe(200);
  expect(String(res.headers['content-type'])).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parsePrometheus(res.payload);
}

describe('GET /metrics', () => {
  describe('after real traffic on the demo database', () => {
    let text: string;
    let samples: Sample[];
    const unknownPath = `/no-such-route-${randomUUID()}`;
    const traffic = { contactPages: 0, contacts: 0, agentPages: 0, agents: 0, users: 0 };
    const phones = { normalized: 0, unparsed: 0 };

    const t = useTestApp();
    beforeAll(async () => {
      const contactRun = await syncContacts(t, DEMO);
      traffic.contactPages = contactRun.pages.length;
      traffic.contacts = contactRun.contacts.length;
      for (const phone of contactRun.contacts.flatMap((c) => (c.phones ?? []) as string[])) {
        // A normalized phone is E.164 and reads as itself; a phone kept as written cannot be read.
        if (toE164(phone, t.config.defaultPhoneRegion) === phone) phones.normalized++;
        else if (toE164(phone, t.config.defaultPhoneRegion) === null) phones.unparsed++;
        else throw new Error(`a phone neither normalized nor kept as written: ${phone}`);
      }
      const agentRun = await syncAgents(t, DEMO);
      traffic.agentPages = agentRun.pages.length;
      traffic.agents = agentRun.agents.length;
      const db = t.db();
      const accountId = (await findAccountId(db, DEMO.username)) as number;
      const { n } = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('account_id', '=', accountId)
        .executeTakeFirstOrThrow();
      traffic.users = Number(n);
      expectError(await t.get(unknownPath), 404);
      expectError(await t.post('/actions/create_ticket', { auth: DEMO, data: 7 }), 400);
      const res = await t.get('/metrics');
      text = res.payload;
      samples = parsePrometheus(text);
    });

    it('is Prometheus text', async () => {
      await scrape(t);
      expect(text).toMatch(/^# HELP bridge_http_requests_total /m);
      expect(text).toMatch(/^# TYPE bridge_http_request_duration_seconds histogram$/m);
    });

    it('counts requests by route pattern and status, with a latency histogram per series', () => {
      const sync = { method: 'POST', route: '/contacts/sync', status_code: '200' };
      expect(traffic.contactPages).toBeGreaterThan(1);
      expect(total(samples, 'bridge_http_requests_total', sync)).toBe(traffic.contactPages);
      expect(total(samples, 'bridge_http_request_duration_seconds_count', sync)).toBe(
        traffic.contactPages,
      );
      expect(
        total(samples, 'bridge_http_request_duration_seconds_bucket', { ...sync, le: '+Inf' }),
      ).toBe(traffic.contactPages);
      expect(total(samples, 'bridge_http_request_duration_seconds_sum', sync)).toBeGreaterThan(0);
      expect(
        total(samples, 'bridge_http_requests_total', {
          route: '/agents/sync',
          status_code: '200',
        }),
      ).toBe(traffic.agentPages);
      // The route pattern, never the URL: /actions/create_ticket is /actions/:name.
      expect(
        total(samples, 'bridge_http_requests_total', {
          route: '/actions/:name',
          status_code: '400',
        }),
      ).toBe(1);
      expect(
        total(samples, 'bridge_http_requests_total', { route: 'unmatched', status_code: '404' }),
      ).toBe(1);
      expect(text).not.toContain(unknownPath);
      expect(text).not.toContain('create_ticket');
      expect(labelValues(samples, 'bridge_http_requests_total', 'route')).toEqual(
        new Set(['/contacts/sync', '/agents/sync', '/actions/:name', 'unmatched']),
      );
    });

    it('counts the scrape itself on the next scrape', async () => {
      const next = await scrape(t);
      expect(
        total(next, 'bridge_http_requests_total', { route: '/metrics', status_code: '200' }),
      ).toBeGreaterThanOrEqual(1);
    });

    it('reports the age of the newest change the finished contact run read', async () => {
      const accountId = await findAccountId(t.db(), DEMO.username);
      const row = await t
        .db()
        .selectFrom('contacts')
        .select(({ fn }) => fn.max('updated_at').as('newest'))
        .where('account_id', '=', accountId ?? -1)
        .executeTakeFirstOrThrow();
      const ageNow = (Date.now() - Number(row.newest)) / 1000;
      const age = total(samples, 'bridge_contacts_newest_change_age_seconds');
      // Set when the run ended, scraped a moment later.
      expect(age).toBeGreaterThan(0);
      expect(age).toBeLessThanOrEqual(ageNow);
      expect(age).toBeGreaterThan(ageNow - 60);
    });

    it('counts contacts and agents synced, agents dropped and phones normalized or kept', () => {
      expect(total(samples, 'bridge_contacts_synced_total')).toBe(traffic.contacts);
      expect(total(samples, 'bridge_agents_synced_total')).toBe(traffic.agents);
      // The demo has users without a usable email: Talkdesk cannot match them.
      const dropped = traffic.users - traffic.agents;
      expect(dropped).toBeGreaterThan(0);
      expect(total(samples, 'bridge_records_dropped_total', { kind: 'agent' })).toBe(dropped);
      expect(phones.normalized).toBeGreaterThan(0);
      expect(total(samples, 'bridge_contact_phones_total', { result: 'normalized' })).toBe(
        phones.normalized,
      );
      expect(total(samples, 'bridge_contact_phones_total', { result: 'unparsed' })).toBe(
        phones.unparsed,
      );
    });

    it('counts credential cache lookups: one miss, then hits', () => {
      const lookups = traffic.contactPages + traffic.agentPages;
      const cache = { cache: 'credentials' };
      expect(total(samples, 'bridge_cache_requests_total', { ...cache, result: 'miss' })).toBe(1);
      expect(total(samples, 'bridge_cache_requests_total', { ...cache, result: 'hit' })).toBe(
        lookups - 1,
      );
    });

    it('times every call into the external system by operation and outcome', () => {
      const listed = {
        operation: 'contacts.listContacts',
        outcome: 'success',
      };
      const calls = total(samples, 'bridge_upstream_calls_total', listed);
      expect(calls).toBeGreaterThanOrEqual(traffic.contactPages);
      expect(total(samples, 'bridge_upstream_call_duration_seconds_count', listed)).toBe(calls);
      expect(
        total(samples, 'bridge_upstream_calls_total', {
          operation: 'credentials.authenticate',
          outcome: 'success',
        }),
      ).toBe(1);
      expect(total(samples, 'bridge_upstream_calls_total', { outcome: 'error' })).toBe(0);
      expect(total(samples, 'bridge_upstream_retries_total')).toBe(0);
      expect(total(samples, 'bridge_upstream_circuit_breaker_state', { state: 'closed' })).toBe(1);
      expect(total(samples, 'bridge_upstream_circuit_breaker_state', { state: 'open' })).toBe(0);
    });

    it('includes the Node.js process metrics', () => {
      for (const name of [
        'process_cpu_user_seconds_total',
        'process_resident_memory_bytes',
        'nodejs_heap_size_used_bytes',
        'nodejs_eventloop_lag_seconds',
      ]) {
        expect(samples.some((s) => s.name === name)).toBe(true);
      }
    });

    it('carries no account, credential or raw URL', () => {
      expect(text).not.toContain(DEMO.username);
      expect(text).not.toContain('example.com');
      for (const sample of samples) {
        for (const value of Object.values(sample.labels)) {
          expect(value).not.toMatch(/@|\?|\/\d/);
        }
      }
    });
  });

  describe('external-system faults', () => {
    let calls = 0;
    const page = (): ContactBatch => ({
      records: [newContactRecord({ name: 'Jane Doe' })],
      hasMore: false,
    });
    // Two retryable failures then success; then a hard failure.
    const contacts = {
      listContacts: async () => {
        calls++;
        if (calls <= 2) throw new RetryableUpstreamError('connection reset');
        if (calls === 4) throw new UpstreamError('the database is gone');
        return page();
      },
    };
    const t = useTestApp(
      { upstreamRetries: 2, upstreamRetryBaseMs: 5 },
      { override: (b) => b.overrideProvider(MappedContactsAdapter).useValue(contacts) },
    );

    it('counts failed attempts, retries and the status Talkdesk got', async () => {
      expect((await t.post('/contacts/sync', { auth: DEMO })).status).toBe(200);
      expectError(await t.post('/contacts/sync', { auth: DEMO }), 502);
      const samples = await scrape(t);
      const op = { operation: 'contacts.listContacts' };
      expect(total(samples, 'bridge_upstream_retries_total', op)).toBe(2);
      expect(total(samples, 'bridge_upstream_calls_total', { ...op, outcome: 'error' })).toBe(3);
      expect(total(samples, 'bridge_upstream_calls_total', { ...op, outcome: 'success' })).toBe(1);
      expect(
        total(samples, 'bridge_http_requests_total', {
          route: '/contacts/sync',
          status_code: '502',
        }),
      ).toBe(1);
    });
  });

  it('does not exist when METRICS_ENABLED is false', async () => {
    const t = await startTestApp({ metricsEnabled: false });
    try {
      expectError(await t.get('/metrics'), 404);
      expect((await t.post('/contacts/sync', { auth: DEMO })).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
