import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ConnectorPort } from '../src/connectors/ports';
import { decodeCheckpoint, decodeContext } from '../src/contacts/contact-sync-tokens';
import { ContactSyncRun, syncContacts, tokensOf } from './support/talkdesk';
import { Reply, startTestApp, TestApp } from './support/test-app';
import {
  FakeSecondsApi,
  SECONDS_API_KEY,
  SECONDS_MANIFEST,
} from './support/upstreams/fake-seconds-api';

/**
 * The REST connector over an API that keeps update times to the second: run bounds, checkpoints
 * and the look-back at that precision, late writes, and an API that lists out of order.
 */

const auth = { key: SECONDS_API_KEY };
const OLD = Date.UTC(2024, 4, 1, 9);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for the start of a fresh second, so that what follows happens within one second. */
async function startOfASecond(): Promise<number> {
  await sleep(1000 - (Date.now() % 1000) + 5);
  return Math.floor(Date.now() / 1000) * 1000;
}

/** Waits until `second` (epoch ms, a whole second) has ended. */
async function afterSecond(second: number): Promise<void> {
  const wait = second + 1000 - Date.now();
  if (wait > -5) await sleep(wait + 5);
}

const ids = (run: { contacts: { id: string }[] }) => run.contacts.map((c) => c.id);

describe('REST connector over a source with one-second update times', () => {
  const dir = mkdtempSync(join(tmpdir(), 'precision-'));
  const apps: TestApp[] = [];
  const apis: FakeSecondsApi[] = [];

  async function setup(settings: Record<string, unknown>) {
    const api = new FakeSecondsApi();
    await api.start();
    apis.push(api);
    const file = join(dir, `${apps.length}.yaml`);
    writeFileSync(file, stringify(SECONDS_MANIFEST));
    const t = await startTestApp({
      connector: 'rest',
      connectorManifest: file,
      connectorBaseUrl: api.server.origin,
      rateLimitMax: 0,
      ...settings,
    });
    apps.push(t);
    return { api, t };
  }

  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const api of apis) await api.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('declares second precision from the manifest’s date format', async () => {
    const { t } = await setup({});
    expect(t.app.get(ConnectorPort).capabilities.updatedAtPrecisionMs).toBe(1000);
  });

  it('sends no contact twice within a run while contacts change in its start second, and loses none', async () => {
    const { api, t } = await setup({ contactsPageSize: 5, incrementalLookbackSeconds: 0 });
    for (let i = 0; i < 30; i++) api.add(`old ${i}`, OLD + Math.floor(i / 4) * 1000);
    // A first request loads what the connector loads lazily, so that the run below is quick.
    expect((await t.post('/contacts/sync', { auth })).status).toBe(200);
    const start = await startOfASecond();
    // 20 contacts changed in the second the run starts in.
    for (let i = 0; i < 20; i++) api.add(`new ${i}`);

    const pages: Reply[] = [];
    let meta: Record<string, unknown> | undefined;
    const asked = Date.now();
    let firstAnswered: number | undefined;
    for (;;) {
      const res = await t.post('/contacts/sync', { auth, ...(meta && { meta }) });
      expect(res.status).toBe(200);
      pages.push(res);
      firstAnswered ??= Date.now();
      // Contacts the run has sent change again, in the same second (stamped alike).
      for (const c of res.body.contacts.slice(0, 2)) api.change(Number(c.id), `changed ${c.id}`);
      if (!res.body.next_offset) break;
      meta = { offset: res.body.next_offset, context: res.body.context };
    }
    const stillSameSecond = Date.now() < start + 1000;
    const run = pages.flatMap((p) => p.body.contacts.map((c: { id: string }) => c.id));

    expect(new Set(run).size).toBe(run.length);
    // The bound: the start of the second before the one the run started in.
    const tokens = await tokensOf(t, auth);
    const until = decodeContext(tokens, pages[0].body.context)!.until;
    expect(until % 1000).toBe(0);
    expect(until).toBeGreaterThanOrEqual(Math.floor(asked / 1000) * 1000 - 1000);
    expect(until).toBeLessThanOrEqual(Math.floor(firstAnswered! / 1000) * 1000 - 1000);
    const checkpoint = pages[pages.length - 1].body.synchronization_checkpoint as string;
    expect(decodeCheckpoint(tokens, checkpoint)?.readTo).toBe(until);
    if (stillSameSecond) {
      // The start second waits whole for the next run.
      expect(run).toHaveLength(30);
    }

    await afterSecond(Math.floor(Date.now() / 1000) * 1000);
    const next = await syncContacts(t, auth, checkpoint);
    expect(new Set(ids(next)).size).toBe(next.contacts.length);
    const received = new Map<string, string>();
    for (const page of [...pages, ...next.pages]) {
      for (const c of page.body.contacts) received.set(c.id, c.name);
    }
    const truth = [...api.records.values()];
    expect(received.size).toBe(50);
    expect(truth.filter((r) => received.get(String(r.id)) !== r.name)).toEqual([]);
  });

  it('two incremental syncs in a row over unchanged data send nothing; a write that commits late still arrives', async () => {
    const { api, t } = await setup({ contactsPageSize: 10, incrementalLookbackSeconds: 30 });
    for (let i = 0; i < 12; i++) api.add(`old ${i}`, OLD + i * 500);
    const full = await syncContacts(t, auth);
    expect(full.contacts).toHaveLength(12);
    const first = await syncContacts(t, auth, full.checkpoint);
    const second = await syncContacts(t, auth, first.checkpoint);
    expect(ids(first)).toEqual([]);
    expect(ids(second)).toEqual([]);

    // A contact changed now is the checkpoint's position once its second has ended...
    const recent = api.add('recent');
    await afterSecond(recent.modified);
    const withRecent = await syncContacts(t, auth, second.checkpoint);
    expect(ids(withRecent)).toEqual([String(recent.id)]);
    // ...and a write stamped 10 s before it, committed only now, arrives with the next sync.
    const late = api.add('late', recent.modified - 10_000);
    const next = await syncContacts(t, auth, withRecent.checkpoint);
    expect(ids(next)).toContain(String(late.id));
    const tokens = await tokensOf(t, auth);
    const checkpoints = (run: ContactSyncRun) => decodeCheckpoint(tokens, run.checkpoint);
    expect(checkpoints(next)?.id).toBe(String(recent.id));
  });

  it('an API that filters by update time but lists by id: upstream_order_violated naming the connector, no checkpoint', async () => {
    const { api, t } = await setup({ contactsPageSize: 10, incrementalLookbackSeconds: 0 });
    api.listById = true;
    // Ids in the opposite order of the update times.
    for (let i = 0; i < 12; i++) api.add(`person ${i}`, OLD + (12 - i) * 1000);

    const res = await t.post('/contacts/sync', { auth });

    expect(res.status).toBe(502);
    expect(res.body.code).toBe('upstream_order_violated');
    expect(res.body.message).toContain('rest:seconds');
    expect(res.body).not.toHaveProperty('synchronization_checkpoint');
  });
});
