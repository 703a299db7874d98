import { MappedInteractionsAdapter } from '../src/connectors/sql/mapped/mapped-adapters';
import { findAccountId } from '../src/connectors/sql/sql-writer';
import { expectError, expectJson } from './support/talkdesk';
import { DEMO, OTHER, useTestApp } from './support/test-app';

const PRIORITIES = ['none', 'low', 'normal', 'high', 'urgent'];
const STATUSES = ['new', 'open', 'pending', 'solved', 'closed'];
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

describe('POST /interactions/retrieve', () => {
  let demoId: number;
  /** A demo contact with interactions of every type, and how many of each it has. */
  let rich: { id: string; counts: Record<string, number>; total: number };
  /** A demo contact with interactions reachable by an address / a number no other contact has. */
  let byEmail: { id: string; email: string };
  let byPhone: { id: string; phone: string };

  const retrieve = (data: Record<string, unknown>, types?: unknown, auth: unknown = DEMO) =>
    t.post('/interactions/retrieve', {
      auth,
      ...(types !== undefined && { meta: { interaction_types: types } }),
      data,
    });

  const t = useTestApp();
  beforeAll(async () => {
    const db = t.db();
    demoId = (await findAccountId(db, DEMO.username)) as number;
    const counts = await db
      .selectFrom('interactions')
      .select(['contact_id', 'type', db.fn.countAll<number>().as('n')])
      .where('account_id', '=', demoId)
      .groupBy(['contact_id', 'type'])
      .orderBy('contact_id')
      .execute();
    const perContact = new Map<string, Record<string, number>>();
    for (const row of counts) {
      const id = String(row.contact_id);
      perContact.set(id, { ...perContact.get(id), [row.type]: Number(row.n) });
    }
    const [richId, richCounts] = [...perContact].find(([, c]) => Object.keys(c).length === 3)!;
    rich = {
      id: richId,
      counts: richCounts,
      total: Object.values(richCounts).reduce((a, b) => a + b, 0),
    };
    // Channels only one contact of the account has, on contacts with interactions.
    const unique = async (kind: 'email' | 'phone') =>
      db
        .selectFrom('contact_channels')
        .select(['value', db.fn.min('contact_id').as('contact_id')])
        .where('account_id', '=', demoId)
        .where('kind', '=', kind)
        .groupBy('value')
        .having(db.fn.countAll(), '=', 1)
        .execute();
    const withInteractions = (rows: { contact_id: number; value: string }[]) =>
      rows.find((r) => perContact.has(String(r.contact_id)))!;
    const email = withInteractions(await unique('email'));
    byEmail = { id: String(email.contact_id), email: email.value.toUpperCase() };
    const phone = withInteractions(await unique('phone'));
    // The number as written in the contact, not as the lookup table stores it.
    const contact = await db
      .selectFrom('contacts')
      .select('phones')
      .where('id', '=', phone.contact_id)
      .executeTakeFirstOrThrow();
    const written = (JSON.parse(contact.phones) as string[]).find(
      (p) => p.replace(/\D/g, '').slice(-7) === phone.value.replace(/\D/g, '').slice(-7),
    );
    byPhone = { id: String(phone.contact_id), phone: written ?? phone.value };
  });

  it('answers a JSON array of the contact’s interactions', async () => {
    const res = await retrieve({ contact_external_id: rich.id }, ['ticket', 'note', 'call']);
    expect(res.status).toBe(200);
    expectJson(res);
    expect(Array.isArray(res.body)).toBe(true);
    expect(res.body).toHaveLength(rich.total);
    for (const i of res.body) {
      expect(Object.keys(i).sort()).toEqual(
        ['date', 'description', 'id', 'priority', 'status', 'subject', 'type', 'url'].sort(),
      );
      expect(typeof i.id).toBe('string');
      expect(typeof i.subject).toBe('string');
      expect(typeof i.description).toBe('string');
      expect(() => new URL(i.url)).not.toThrow();
    }
  });

  it('answers only the requested types', async () => {
    for (const types of [['ticket'], ['note'], ['call'], ['ticket', 'call']]) {
      const res = await retrieve({ contact_external_id: rich.id }, types);
      expect(res.status).toBe(200);
      const expected = types.reduce((sum, type) => sum + (rich.counts[type] ?? 0), 0);
      expect(res.body).toHaveLength(expected);
      for (const i of res.body) expect(types).toContain(i.type);
    }
  });

  it('answers every declared type when meta.interaction_types is absent or null', async () => {
    const all = await retrieve({ contact_external_id: rich.id }, ['ticket', 'note', 'call']);
    for (const res of [
      await retrieve({ contact_external_id: rich.id }),
      await retrieve({ contact_external_id: rich.id }, null),
    ]) {
      expect(res.status).toBe(200);
      expect(res.body).toEqual(all.body);
    }
  });

  it('answers [] for types the integration does not declare', async () => {
    for (const types of [['email'], []]) {
      const res = await retrieve({ contact_external_id: rich.id }, types);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
    }
  });

  it('answers priority and status within Talkdesk’s enums and ISO 8601 dates, newest first', async () => {
    const contactIds = await t
      .db()
      .selectFrom('interactions')
      .select('contact_id')
      .distinct()
      .where('account_id', '=', demoId)
      .limit(60)
      .execute();
    const priorities = new Set<string>();
    const statuses = new Set<string>();
    for (const { contact_id } of contactIds) {
      const res = await retrieve({ contact_external_id: String(contact_id) });
      expect(res.status).toBe(200);
      for (const i of res.body) {
        expect(PRIORITIES).toContain(i.priority);
        expect(STATUSES).toContain(i.status);
        expect(i.date).toMatch(ISO_8601);
        expect(new Date(i.date).toISOString()).toBe(i.date);
        priorities.add(i.priority);
        statuses.add(i.status);
      }
      const dates = res.body.map((i: any) => i.date);
      expect(dates).toEqual([...dates].sort().reverse());
    }
    // The demo's messy vocabulary was mapped onto several values, not flattened to one.
    expect(priorities.size).toBeGreaterThan(2);
    expect(statuses.size).toBeGreaterThan(2);
  });

  it('answers [] for an unknown contact', async () => {
    for (const data of [
      { contact_external_id: '99999999' },
      { contact_external_id: 'not-an-id' },
      { contact_emails: ['nobody@nowhere.example'] },
      { contact_phones: ['+1 907 555 0199'] },
      {},
    ]) {
      const res = await retrieve(data);
      expect(res.status).toBe(200);
      expectJson(res);
      expect(res.body).toEqual([]);
    }
  });

  it('finds the contact by email when no id is sent', async () => {
    const byId = await retrieve({ contact_external_id: byEmail.id });
    expect(byId.body.length).toBeGreaterThan(0);
    const res = await retrieve({ contact_name: 'Someone', contact_emails: [byEmail.email] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(byId.body);
    const nullId = await retrieve({ contact_external_id: null, contact_emails: [byEmail.email] });
    expect(nullId.body).toEqual(byId.body);
  });

  it('finds the contact by phone when neither id nor email is sent', async () => {
    const byId = await retrieve({ contact_external_id: byPhone.id });
    expect(byId.body.length).toBeGreaterThan(0);
    const res = await retrieve({ contact_emails: [], contact_phones: [byPhone.phone] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(byId.body);
  });

  it('falls back to the email when the id is unknown', async () => {
    const byId = await retrieve({ contact_external_id: byEmail.id });
    const res = await retrieve({
      contact_external_id: '99999999',
      contact_emails: [byEmail.email],
    });
    expect(res.body).toEqual(byId.body);
  });

  it('accepts contact_external_id sent as a number', async () => {
    const asString = await retrieve({ contact_external_id: rich.id });
    const asNumber = await retrieve({ contact_external_id: Number(rich.id) });
    expect(asNumber.status).toBe(200);
    expect(asNumber.body).toEqual(asString.body);
  });

  it('never shows one account’s interactions to another', async () => {
    for (const data of [
      { contact_external_id: rich.id },
      { contact_emails: [byEmail.email] },
      { contact_phones: [byPhone.phone] },
    ]) {
      const res = await retrieve(data, undefined, OTHER);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
    }
  });

  it('caps the answer at INTERACTIONS_LIMIT and passes on only what was asked, whatever the adapter returns', async () => {
    const port = t.app.get(MappedInteractionsAdapter);
    const now = Date.now();
    const records = Array.from({ length: t.config.interactionsLimit + 30 }, (_, i) => ({
      id: `x${i}`,
      type: i % 3 === 0 ? 'email' : 'ticket',
      subject: ` Subject ${i} `,
      date: i === 1 ? 'not a date' : now - i * 60_000,
      priority: 'P1',
      status: 'In Progress',
    }));
    const spy = jest.spyOn(port, 'findInteractions').mockResolvedValueOnce(records);
    try {
      const res = await retrieve({ contact_external_id: rich.id }, ['ticket']);
      expect(res.status).toBe(200);
      expect(res.body.length).toBeLessThanOrEqual(t.config.interactionsLimit);
      expect(res.body.every((i: any) => i.type === 'ticket')).toBe(true);
      expect(res.body.map((i: any) => i.id)).not.toContain('x1');
      expect(res.body[0]).toEqual(
        expect.objectContaining({
          id: 'x2',
          subject: 'Subject 2',
          priority: 'urgent',
          status: 'open',
        }),
      );
      const dates = res.body.map((i: any) => i.date);
      expect(dates).toEqual([...dates].sort().reverse());
    } finally {
      spy.mockRestore();
    }
  });

  it('answers 400 naming the fields when they have the wrong type', async () => {
    const res = await t.post('/interactions/retrieve', {
      auth: DEMO,
      meta: { interaction_types: 'ticket' },
      data: { contact_emails: 'a@b.c', contact_external_id: { id: 1 } },
    });
    expectError(res, 400);
    for (const field of [
      'meta.interaction_types',
      'data.contact_emails',
      'data.contact_external_id',
    ]) {
      expect(res.body.message).toContain(field);
    }
    const noData = await t.post('/interactions/retrieve', { auth: DEMO });
    expectError(noData, 400);
    expect(noData.body.message).toContain('data');
  });

  it('answers 401 for wrong credentials', async () => {
    expectError(
      await retrieve({ contact_external_id: rich.id }, undefined, { ...DEMO, password: 'x' }),
      401,
    );
  });
});
