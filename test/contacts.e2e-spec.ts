import { MappedContactsAdapter } from '../src/connectors/sql/mapped/mapped-adapters';
import { randomUUID } from 'node:crypto';
import { toE164 } from '../src/talkdesk/contract/phone';
import { findAccountId, insertContacts } from '../src/connectors/sql/sql-writer';
import { Database, openDatabase } from '../src/connectors/sql/database';
import { decodeCheckpoint, encodeCheckpoint } from '../src/contacts/contact-sync-tokens';
import { TokenScope } from '../src/talkdesk/token-codec';
import { newContact } from './factories';
import {
  ContactSyncRun,
  expectError,
  expectJson,
  nextPages,
  syncContacts,
  tokensOf,
} from './support/talkdesk';
import { DEMO, OTHER, Reply, useTestApp } from './support/test-app';

const E164 = /^\+[1-9]\d{6,14}$/;

/** The position a checkpoint carries, without the instant its run read up to. */
/** The app's token scope of the demo account, taken anew by each describe's app. */
let tokens: TokenScope;

const positionIn = (token: unknown) => {
  const checkpoint = decodeCheckpoint(tokens, token);
  if (!checkpoint) throw new Error('not a checkpoint');
  return { updatedAt: checkpoint.updatedAt, id: checkpoint.id };
};

describe('POST /contacts/sync', () => {
  /** A full run over the demo account, made first. */
  let full: ContactSyncRun;
  /** The demo account's contacts as the database held them during that run, in (updated_at, id) order. */
  let rows: { id: string; updatedAt: number; phones: string[]; emails: string[] }[];
  let demoId: number;

  /** The demo account's contacts now, in (updated_at, id) order. */
  const contactRows = async (username = DEMO.username) => {
    const accountId = await findAccountId(t.db(), username);
    const found = await t
      .db()
      .selectFrom('contacts')
      .select(['id', 'updated_at', 'phones', 'emails'])
      .where('account_id', '=', accountId ?? -1)
      .orderBy('updated_at')
      .orderBy('id')
      .execute();
    return found.map((r) => ({
      id: String(r.id),
      updatedAt: Number(r.updated_at),
      phones: JSON.parse(r.phones) as string[],
      emails: JSON.parse(r.emails) as string[],
    }));
  };

  const firstPage = (meta?: unknown) =>
    t.post('/contacts/sync', { auth: DEMO, ...(meta !== undefined && { meta }) });

  const ids = (contacts: { id: string }[]) => contacts.map((c) => c.id);

  /** Drains whatever changed since `checkpoint`; answers the checkpoint after it. */
  const drain = async (checkpoint: string | undefined) =>
    (await syncContacts(t, DEMO, checkpoint)).checkpoint;

  const createContact = async (data: Record<string, unknown>) => {
    const res = await t.post('/actions/create_contact', { auth: DEMO, data });
    expect(res.status).toBe(201);
    return res.body.contact_external_id as string;
  };

  const t = useTestApp({ incrementalLookbackSeconds: 0 });
  beforeAll(async () => {
    tokens = await tokensOf(t, DEMO);
    demoId = (await findAccountId(t.db(), DEMO.username)) as number;
    rows = await contactRows();
    full = await syncContacts(t, DEMO);
  });

  describe('full synchronization', () => {
    it('following next_offset and context collects all 1500 demo contacts exactly once', () => {
      const seen = ids(full.contacts);
      expect(seen).toHaveLength(1500);
      expect(new Set(seen).size).toBe(1500);
      expect([...seen].sort()).toEqual(ids(rows).sort());
    });

    it('answers every page 200 as application/json, at most CONTACTS_PAGE_SIZE contacts each', () => {
      expect(full.pages).toHaveLength(Math.ceil(1500 / t.config.contactsPageSize));
      for (const page of full.pages) {
        expect(page.status).toBe(200);
        expectJson(page);
        expect(page.body.contacts.length).toBeGreaterThan(0);
        expect(page.body.contacts.length).toBeLessThanOrEqual(t.config.contactsPageSize);
      }
    });

    it('sets next_offset and context on every page but the last, and neither on the last', () => {
      const last = full.pages[full.pages.length - 1].body;
      for (const { body } of full.pages.slice(0, -1)) {
        expect(typeof body.next_offset).toBe('string');
        expect(body.next_offset.length).toBeGreaterThan(0);
        expect(typeof body.context).toBe('string');
      }
      expect(last).not.toHaveProperty('next_offset');
      expect(last.context).toBeNull();
    });

    it('carries a synchronization_checkpoint on every page, the last one included', () => {
      for (const { body } of full.pages) {
        expect(typeof body.synchronization_checkpoint).toBe('string');
        expect(body.synchronization_checkpoint.length).toBeGreaterThan(0);
      }
      expect(full.checkpoint).toBe(
        full.pages[full.pages.length - 1].body.synchronization_checkpoint,
      );
    });

    it('sends contacts in ascending order of their last change', () => {
      expect(ids(full.contacts)).toEqual(ids(rows));
    });

    it('sends string ids and names and leaves out empty fields', () => {
      const broken = full.contacts.filter((c) => {
        if (typeof c.id !== 'string' || !c.id) return true;
        if (typeof c.name !== 'string' || !c.name.trim()) return true;
        for (const [key, value] of Object.entries(c)) {
          if (value === null || value === '') return true;
          if (Array.isArray(value)) {
            if (value.length === 0) return true;
            if (key === 'custom_fields') {
              if (value.some((f: any) => typeof f.key !== 'string' || typeof f.value !== 'string'))
                return true;
            } else if (value.some((v: unknown) => typeof v !== 'string' || !v.trim())) {
              return true;
            }
          } else if (typeof value !== 'string') {
            return true;
          }
        }
        return false;
      });
      expect(broken).toEqual([]);
      expect(full.contacts.some((c) => c.custom_fields)).toBe(true);
    });

    it('sends each email address once, whatever its case', () => {
      const repeated = full.contacts.filter(
        (c) =>
          new Set((c.emails ?? []).map((e: string) => e.toLowerCase())).size !==
          (c.emails ?? []).length,
      );
      expect(repeated).toEqual([]);
      // The demo data does hold duplicated addresses, so there was something to fold.
      expect(
        rows.some((r) => new Set(r.emails.map((e) => e.toLowerCase())).size < r.emails.length),
      ).toBe(true);
    });

    it('sends phones in E.164 where they can be read, and as written otherwise', () => {
      const byId = new Map(full.contacts.map((c) => [c.id, c]));
      let kept = 0;
      let normalized = 0;
      for (const row of rows) {
        const sent: string[] = byId.get(row.id)?.phones ?? [];
        const expected = new Set<string>();
        for (const raw of row.phones.map((p) => p.trim()).filter(Boolean)) {
          const e164 = toE164(raw, t.config.defaultPhoneRegion);
          expected.add(e164 ?? raw);
          if (e164 && e164 !== raw) normalized++;
          if (!e164) kept++;
        }
        expect(new Set(sent)).toEqual(expected);
        expect(sent).toHaveLength(expected.size);
        for (const phone of sent) {
          if (!E164.test(phone)) expect(row.phones.map((p) => p.trim())).toContain(phone);
        }
      }
      expect(normalized).toBeGreaterThan(0);
      expect(kept).toBeGreaterThan(0);
    });
  });

  describe('incremental synchronization', () => {
    it('returns a contact created with POST /actions/create_contact, and only it', async () => {
      const checkpoint = await drain(full.checkpoint);
      const name = `Incremental ${randomUUID()}`;
      const id = await createContact({
        name,
        email: 'Inc.Remental@Example.com',
        phone: '(212) 555-0187',
      });
      const run = await syncContacts(t, DEMO, checkpoint);
      expect(run.pages).toHaveLength(1);
      expectJson(run.pages[0]);
      expect(run.contacts).toEqual([
        expect.objectContaining({
          id,
          name,
          emails: ['Inc.Remental@Example.com'],
          phones: ['+12125550187'],
        }),
      ]);
      expect(typeof run.checkpoint).toBe('string');
      expect(run.checkpoint).not.toBe(checkpoint);
    });

    it('hands back the same position when nothing changed, read up to the run’s start', async () => {
      const checkpoint = await drain(full.checkpoint);
      const before = Date.now();
      const res = await t.post('/contacts/sync', {
        auth: DEMO,
        meta: { synchronization_checkpoint: checkpoint, offset: null, context: null },
      });
      expect(res.status).toBe(200);
      expectJson(res);
      expect(res.body.contacts).toEqual([]);
      expect(positionIn(res.body.synchronization_checkpoint)).toEqual(positionIn(checkpoint));
      expect(
        decodeCheckpoint(tokens, res.body.synchronization_checkpoint)!.readTo,
      ).toBeGreaterThanOrEqual(before);
      expect(res.body).not.toHaveProperty('next_offset');
      expect(res.body.context).toBeNull();
    });

    it('pages too, sending each changed contact once, even when they share one timestamp', async () => {
      const checkpoint = await drain(full.checkpoint);
      const now = Date.now();
      const tag = randomUUID().slice(0, 8);
      const created = await insertContacts(
        t.db(),
        demoId,
        Array.from({ length: t.config.contactsPageSize + 20 }, (_, i) =>
          newContact({ name: `Batch ${tag} ${i}`, updatedAt: now }),
        ),
        t.config.defaultPhoneRegion,
      );
      const run = await syncContacts(t, DEMO, checkpoint);
      expect(run.pages).toHaveLength(2);
      expect(ids(run.contacts)).toEqual(created.map(String));
    });

    it('loses no contact changed while a run is paging', async () => {
      const before = await contactRows();
      const first = await firstPage();
      expect(first.body.next_offset).toBeDefined();
      const sentEarly = first.body.contacts[0].id as string;
      const notYetSent = before[before.length - 1].id;
      // Both change while the run is between its first and second page.
      await t
        .db()
        .updateTable('contacts')
        .set({ updated_at: Date.now() })
        .where('id', 'in', [Number(sentEarly), Number(notYetSent)])
        .execute();
      const pages = [first, ...(await nextPages(t, DEMO, first))];
      const { body } = pages[pages.length - 1];
      const runIds = pages.flatMap((p) => ids(p.body.contacts));
      expect(new Set(runIds).size).toBe(runIds.length);
      const next = await syncContacts(t, DEMO, body.synchronization_checkpoint);
      const nextIds = ids(next.contacts);
      expect(nextIds).toEqual(expect.arrayContaining([sentEarly, notYetSent]));
      const everything = new Set([...runIds, ...nextIds]);
      expect(ids(before).filter((id) => !everything.has(id))).toEqual([]);
    });

    it('resumes an interrupted run from its last checkpoint without loss, even inside a group sharing one timestamp', async () => {
      const current = await contactRows();
      const page1 = await firstPage();
      const page2 = await t.post('/contacts/sync', {
        auth: DEMO,
        meta: { offset: page1.body.next_offset, context: page1.body.context },
      });
      expect(page2.status).toBe(200);
      const sent = [...ids(page1.body.contacts), ...ids(page2.body.contacts)];
      const lastIndex = current.findIndex((r) => r.id === sent[sent.length - 1]);
      // The run stops in the middle of contacts sharing one timestamp.
      expect(current[lastIndex + 1].updatedAt).toBe(current[lastIndex].updatedAt);
      const resumed = await syncContacts(t, DEMO, page2.body.synchronization_checkpoint);
      expect(ids(resumed.contacts)).toEqual(ids(current.slice(lastIndex + 1)));
      expect([...sent, ...ids(resumed.contacts)]).toEqual(ids(current));
    });
  });

  describe('an adapter out of order', () => {
    it('answers 502 upstream_order_violated naming the connector, with no checkpoint past what was sent, and a resumed sync loses nothing', async () => {
      const current = await contactRows();
      const port = t.app.get(MappedContactsAdapter);
      const original = port.listContacts.bind(port);
      let calls = 0;
      // The second batch comes with two contacts swapped.
      const spy = jest.spyOn(port, 'listContacts').mockImplementation(async (...args) => {
        const batch = await original(...args);
        if (++calls === 2)
          [batch.records[0], batch.records[1]] = [batch.records[1], batch.records[0]];
        return batch;
      });
      let first: Reply;
      let second: Reply;
      try {
        first = await firstPage();
        second = await t.post('/contacts/sync', {
          auth: DEMO,
          meta: { offset: first.body.next_offset, context: first.body.context },
        });
      } finally {
        spy.mockRestore();
      }
      expect(first.status).toBe(200);
      expectError(second, 502);
      expect(second.body.code).toBe('upstream_order_violated');
      expect(second.body.message).toContain('sql');
      expect(second.body).not.toHaveProperty('synchronization_checkpoint');
      // The checkpoint Talkdesk keeps is the last contact it received.
      const sent = ids(first.body.contacts);
      expect(positionIn(first.body.synchronization_checkpoint).id).toBe(sent[sent.length - 1]);
      const resumed = await syncContacts(t, DEMO, first.body.synchronization_checkpoint);
      expect([...sent, ...ids(resumed.contacts)]).toEqual(ids(current));
    });
  });

  describe('meta', () => {
    it('starts a full sync when meta is absent, null, or holds only nulls', async () => {
      const reference = await firstPage();
      expect(reference.status).toBe(200);
      for (const meta of [
        undefined,
        null,
        {},
        { synchronization_checkpoint: null, offset: null, context: null },
        { synchronization_checkpoint: '', offset: '', context: null },
      ]) {
        const res = await firstPage(meta);
        expect(res.status).toBe(200);
        expectJson(res);
        expect(ids(res.body.contacts)).toEqual(ids(reference.body.contacts));
        expect(typeof res.body.next_offset).toBe('string');
      }
    });

    it('accepts an offset sent as a number, which (not being one it issued) it refuses with 400 naming meta.offset', async () => {
      for (const offset of [2, 0]) {
        const res = await firstPage({ offset });
        expectError(res, 400);
        expect(res.body.code).toBe('offset_unreadable');
        expect(res.body.message).toContain('meta.offset');
        expect(res.body.message).not.toMatch(/must be a string or a number/);
      }
    });

    it('answers 400 naming meta.offset for an unreadable offset', async () => {
      const page1 = await firstPage();
      for (const offset of [
        'garbage',
        'eyJrIjoiYm9ndXMifQ',
        page1.body.synchronization_checkpoint,
      ]) {
        const res = await firstPage({ offset, context: page1.body.context });
        expectError(res, 400);
        expect(res.body.code).toBe('offset_unreadable');
        expect(res.body.message).toContain('meta.offset');
      }
    });

    it('answers 400 naming the field when meta fields have the wrong type', async () => {
      const res = await firstPage({ offset: true, synchronization_checkpoint: 12 });
      expectError(res, 400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.message).toContain('meta.offset');
      expect(res.body.message).toContain('meta.synchronization_checkpoint');
      const notAnObject = await firstPage('not an object');
      expectError(notAnObject, 400);
      expect(notAnObject.body.code).toBe('validation_failed');
    });

    it('runs a full sync (200) for an unreadable checkpoint', async () => {
      const reference = await firstPage();
      for (const checkpoint of ['2012-11-20 23:01:00 UTC', 'garbage', reference.body.next_offset]) {
        const res = await firstPage({ synchronization_checkpoint: checkpoint });
        expect(res.status).toBe(200);
        expectJson(res);
        expect(ids(res.body.contacts)).toEqual(ids(reference.body.contacts));
        expect(typeof res.body.next_offset).toBe('string');
        expect(typeof res.body.synchronization_checkpoint).toBe('string');
        expect(res.body.synchronization_checkpoint).not.toBe(checkpoint);
      }
    });

    it('continues after the offset when the context is missing or unreadable', async () => {
      const page1 = await firstPage();
      const withContext = await t.post('/contacts/sync', {
        auth: DEMO,
        meta: { offset: page1.body.next_offset, context: page1.body.context },
      });
      for (const context of [null, 'garbage', { any: 'json' }]) {
        const res = await t.post('/contacts/sync', {
          auth: DEMO,
          meta: { offset: page1.body.next_offset, context },
        });
        expect(res.status).toBe(200);
        expect(ids(res.body.contacts)).toEqual(ids(withContext.body.contacts));
      }
    });
  });

  describe('accounts', () => {
    it('keeps accounts apart: other@example.com gets its own 1500 contacts and none of demo’s', async () => {
      const probe = `Isolation probe ${randomUUID()}`;
      const probeId = await createContact({ name: probe, email: 'isolation.probe@example.com' });
      const demoRun = await syncContacts(t, DEMO);
      expect(demoRun.contacts.map((c) => c.name)).toContain(probe);

      const otherRun = await syncContacts(t, OTHER);
      const otherIds = ids(otherRun.contacts);
      expect(otherIds).toHaveLength(1500);
      expect([...otherIds].sort()).toEqual(ids(await contactRows(OTHER.username)).sort());
      const demoIds = new Set(ids(demoRun.contacts));
      expect(otherIds.filter((id) => demoIds.has(id))).toEqual([]);
      expect(otherIds).not.toContain(probeId);
      expect(otherRun.contacts.map((c) => c.name)).not.toContain(probe);
      expect(otherRun.contacts.flatMap((c) => c.emails ?? [])).not.toContain(
        'isolation.probe@example.com',
      );
    });

    it('an offset issued to the demo account, sent by another account, is refused: tokens are signed for one account', async () => {
      const page = await t.post('/contacts/sync', {
        auth: OTHER,
        meta: { offset: full.pages[0].body.next_offset, context: full.pages[0].body.context },
      });
      expectError(page, 400);
      expect(page.body.code).toBe('token_invalid');
      expect(page.body.contacts).toBeUndefined();
    });

    it('answers 401 for wrong credentials', async () => {
      const res = await t.post('/contacts/sync', { auth: { ...DEMO, password: 'nope' } });
      expectError(res, 401);
      expect(res.body.code).toBe('credentials_rejected');
    });
  });
});

describe('POST /contacts/sync with the default look-back window', () => {
  const t = useTestApp();

  /** A second connection to the external system's database, for writes of another client. */
  let writer: Database;
  let demoId: number;
  beforeAll(async () => {
    tokens = await tokensOf(t, DEMO);
    writer = openDatabase(t.database.url, t.dataDir);
    demoId = (await findAccountId(t.db(), DEMO.username)) as number;
  });
  afterAll(() => writer.destroy());

  const ids = (run: ContactSyncRun) => run.contacts.map((c) => c.id as string);

  it('two incremental syncs in a row over unchanged data send nothing', async () => {
    const full = await syncContacts(t, DEMO);
    expect(full.contacts).toHaveLength(1500);
    const first = await syncContacts(t, DEMO, full.checkpoint);
    const second = await syncContacts(t, DEMO, first.checkpoint);
    const third = await syncContacts(t, DEMO, second.checkpoint);
    expect([ids(first), ids(second), ids(third)]).toEqual([[], [], []]);
    // The position stays the last contact of the full sync; only the read instant moves on.
    expect(positionIn(third.checkpoint)).toEqual(positionIn(full.checkpoint));
    expect(decodeCheckpoint(tokens, third.checkpoint)!.readTo).toBeGreaterThan(
      decodeCheckpoint(tokens, full.checkpoint)!.readTo,
    );
  });

  it('a checkpoint issued before the read instant was carried still reads, re-sending its window once', async () => {
    const full = await syncContacts(t, DEMO);
    const at = positionIn(full.checkpoint);
    const old = encodeCheckpoint(tokens, at);
    const window = (
      await t
        .db()
        .selectFrom('contacts')
        .select('id')
        .where('account_id', '=', demoId)
        .where('updated_at', '>=', at.updatedAt - t.config.incrementalLookbackSeconds * 1000)
        .where('updated_at', '<=', at.updatedAt)
        .orderBy('updated_at')
        .orderBy('id')
        .execute()
    ).map((r) => String(r.id));
    const first = await syncContacts(t, DEMO, old);
    const second = await syncContacts(t, DEMO, first.checkpoint);
    expect(ids(first)).toEqual(window);
    expect(ids(second)).toEqual([]);
  });

  it('a write whose transaction commits late, within the look-back of its update time, arrives', async () => {
    // The account's newest contact is recent: the late write is stamped before its position.
    const start = await syncContacts(t, DEMO);
    const [recent] = await insertContacts(
      t.db(),
      demoId,
      [newContact({ name: `Recent ${randomUUID()}`, updatedAt: Date.now() })],
      t.config.defaultPhoneRegion,
    );
    let late = 0;
    let during: ContactSyncRun | undefined;
    await writer.transaction().execute(async (trx) => {
      [late] = await insertContacts(
        trx,
        demoId,
        [newContact({ name: `Late ${randomUUID()}`, updatedAt: Date.now() - 5_000 })],
        t.config.defaultPhoneRegion,
      );
      // A sync while the transaction is open does not see the write, and moves past it.
      during = await syncContacts(t, DEMO, start.checkpoint);
    });
    expect(ids(during!)).toContain(String(recent));
    expect(ids(during!)).not.toContain(String(late));
    expect(decodeCheckpoint(tokens, during!.checkpoint)?.id).toBe(String(recent));

    const next = await syncContacts(t, DEMO, during!.checkpoint);
    expect(ids(next)).toContain(String(late));
  });

  it('returns a contact created after the checkpoint', async () => {
    const full = await syncContacts(t, DEMO);
    const created = await t.post('/actions/create_contact', {
      auth: DEMO,
      data: { name: `Look-back ${randomUUID()}` },
    });
    expect(created.status).toBe(201);
    const next = await syncContacts(t, DEMO, full.checkpoint);
    expect(next.contacts.map((c) => c.id)).toContain(created.body.contact_external_id);
    expect(decodeCheckpoint(tokens, next.checkpoint)?.id).toBe(created.body.contact_external_id);
  });
});

describe('POST /contacts/sync under a tight time budget', () => {
  const BUDGET_MS = 2000;
  const t = useTestApp({ requestBudgetMs: BUDGET_MS });

  it('cuts a page short rather than answer late, and the run still sends every contact once', async () => {
    const port = t.app.get(MappedContactsAdapter);
    const original = port.listContacts.bind(port);
    // A slow external system that lists at most 10 contacts per call, 100 ms each: a whole page
    // needs more calls than the budget has time for, however fast the machine, and the first
    // call has the whole budget to spare, however slow.
    expect((t.config.contactsPageSize / 10) * 100).toBeGreaterThan(BUDGET_MS);
    const spy = jest.spyOn(port, 'listContacts').mockImplementation(async (account, query) => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      return original(account, { ...query, limit: Math.min(query.limit, 10) });
    });
    let first: Reply;
    try {
      first = await t.post('/contacts/sync', { auth: DEMO });
    } finally {
      spy.mockRestore();
    }
    expect(first.status).toBe(200);
    expect(first.body.contacts.length).toBeGreaterThan(0);
    expect(first.body.contacts.length).toBeLessThan(t.config.contactsPageSize);
    expect(typeof first.body.next_offset).toBe('string');

    const pages = [first, ...(await nextPages(t, DEMO, first))];
    const seen = pages.flatMap((p) => p.body.contacts.map((c: any) => c.id as string));
    expect(seen).toHaveLength(1500);
    expect(new Set(seen).size).toBe(1500);
  });
});
