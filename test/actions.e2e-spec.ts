import { randomUUID } from 'node:crypto';
import { findAccountId } from '../src/connectors/sql/sql-writer';
import { expectError, expectJson } from './support/talkdesk';
import { DEMO, OTHER, useTestApp } from './support/test-app';

describe('POST /actions/{name}', () => {
  /** A demo contact and a demo user. */
  let contactId: string;
  let agentId: string;

  const run = (name: string, body: Record<string, unknown>) =>
    t.post(`/actions/${name}`, { auth: DEMO, ...body });

  const interactionsOf = async (id: string, types: string[]) => {
    const res = await t.post('/interactions/retrieve', {
      auth: DEMO,
      meta: { interaction_types: types },
      data: { contact_external_id: id },
    });
    expect(res.status).toBe(200);
    return res.body as any[];
  };

  const t = useTestApp();
  beforeAll(async () => {
    const db = t.db();
    const accountId = (await findAccountId(db, DEMO.username)) as number;
    const contact = await db
      .selectFrom('contacts')
      .select('id')
      .where('account_id', '=', accountId)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    contactId = String(contact.id);
    const user = await db
      .selectFrom('users')
      .select('id')
      .where('account_id', '=', accountId)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    agentId = String(user.id);
  });

  describe('create_ticket', () => {
    it('answers 201 with external_id, and the ticket is then retrieved on the contact', async () => {
      const subject = `Call missed ${randomUUID()}`;
      const res = await run('create_ticket', {
        meta: { contact_external_id: contactId, agent_external_id: agentId },
        data: { subject, description: 'A call from Jane Doe was missed.', priority: 'high' },
      });
      expect(res.status).toBe(201);
      expectJson(res);
      expect(typeof res.body.external_id).toBe('string');
      expect(typeof res.body.message).toBe('string');
      const tickets = await interactionsOf(contactId, ['ticket']);
      expect(tickets[0]).toEqual(
        expect.objectContaining({
          id: res.body.external_id,
          type: 'ticket',
          subject,
          description: 'A call from Jane Doe was missed.',
          priority: 'high',
          status: 'new',
        }),
      );
      expect(Date.now() - new Date(tickets[0].date).getTime()).toBeLessThan(60_000);
    });

    it('records the agent who ran it when agent_external_id is a user of the account', async () => {
      const res = await run('create_ticket', {
        meta: { contact_external_id: Number(contactId), agent_external_id: Number(agentId) },
        data: { subject: 'With agent' },
      });
      expect(res.status).toBe(201);
      const row = await t
        .db()
        .selectFrom('interactions')
        .select(['agent_id', 'priority'])
        .where('id', '=', Number(res.body.external_id))
        .executeTakeFirstOrThrow();
      expect(String(row.agent_id)).toBe(agentId);
      expect(row.priority).toBe('normal');
    });

    it('answers 400 naming data.subject when the mandatory subject is missing or blank', async () => {
      for (const data of [{ description: 'no subject' }, { subject: '   ' }, { subject: null }]) {
        const res = await run('create_ticket', { meta: { contact_external_id: contactId }, data });
        expectError(res, 400);
        expect(res.body.code).toBe('action_input_missing');
        expect(res.body.message).toContain('data.subject');
      }
      const noData = await run('create_ticket', { meta: { contact_external_id: contactId } });
      expectError(noData, 400);
      expect(noData.body.code).toBe('action_input_missing');
      expect(noData.body.message).toContain('data.subject');
    });

    it('answers 400 when the contact does not exist', async () => {
      const res = await run('create_ticket', {
        meta: { contact_external_id: '99999999' },
        data: { subject: 'Nobody' },
      });
      expectError(res, 400);
      expect(res.body.code).toBe('action_rejected');
      expect(res.body.message).toContain('99999999');
    });

    it('answers 400 naming meta.contact_external_id when it is missing', async () => {
      const res = await run('create_ticket', { data: { subject: 'For whom?' } });
      expectError(res, 400);
      expect(res.body.code).toBe('action_rejected');
      expect(res.body.message).toContain('meta.contact_external_id');
    });

    it('refuses a contact of another account with 400, creating nothing', async () => {
      const before = await t.db().selectFrom('interactions').select('id').execute();
      const res = await t.post('/actions/create_ticket', {
        auth: OTHER,
        meta: { contact_external_id: contactId },
        data: { subject: 'Cross-account' },
      });
      expectError(res, 400);
      expect(res.body.code).toBe('action_rejected');
      const after = await t.db().selectFrom('interactions').select('id').execute();
      expect(after).toHaveLength(before.length);
    });
  });

  describe('log_call', () => {
    it('answers 201 and creates a call interaction on the contact', async () => {
      const subject = `Inbound call ${randomUUID()}`;
      const res = await run('log_call', {
        meta: { contact_external_id: contactId },
        data: { subject, description: 'Asked about the invoice', duration: 42 },
      });
      expect(res.status).toBe(201);
      expectJson(res);
      expect(typeof res.body.external_id).toBe('string');
      const calls = await interactionsOf(contactId, ['call']);
      const call = calls.find((c) => c.id === res.body.external_id);
      expect(call).toEqual(
        expect.objectContaining({ type: 'call', subject, status: 'closed', priority: 'none' }),
      );
      expect(call.description).toContain('Asked about the invoice');
      expect(call.description).toContain('42');
      // Not a ticket.
      expect((await interactionsOf(contactId, ['ticket'])).map((i) => i.id)).not.toContain(
        res.body.external_id,
      );
    });

    it('answers 400 for a duration that is not a whole number of seconds', async () => {
      const res = await run('log_call', {
        meta: { contact_external_id: contactId },
        data: { subject: 'Call', duration: 'forty' },
      });
      expectError(res, 400);
      expect(res.body.code).toBe('action_rejected');
      expect(res.body.message).toContain('duration');
    });
  });

  describe('create_contact', () => {
    it('answers 201 with contact_external_id, contact_external_type and contact_external_url', async () => {
      const res = await run('create_contact', {
        data: { name: 'Jane Roe', email: 'jane.roe@example.com', phone: '(212) 555-0199' },
      });
      expect(res.status).toBe(201);
      expectJson(res);
      const { contact_external_id: id, contact_external_type: type } = res.body;
      expect(typeof id).toBe('string');
      expect(type).toBe('contact');
      expect(res.body.contact_external_url).toBe(`${t.config.recordUrlBase}/contacts/${id}`);
      expect(res.body).not.toHaveProperty('external_id');
      // The new contact exists: a ticket can be opened on it, and it is found by its email.
      const ticket = await run('create_ticket', {
        meta: { contact_external_id: id },
        data: { subject: 'Welcome' },
      });
      expect(ticket.status).toBe(201);
      const found = await t.post('/interactions/retrieve', {
        auth: DEMO,
        data: { contact_emails: ['jane.roe@example.com'] },
      });
      expect(found.body.map((i: any) => i.id)).toEqual([ticket.body.external_id]);
    });

    it('answers 400 naming data.name when the name is missing', async () => {
      const res = await run('create_contact', { data: { email: 'x@example.com' } });
      expectError(res, 400);
      expect(res.body.code).toBe('action_input_missing');
      expect(res.body.message).toContain('data.name');
    });
  });

  describe('any action', () => {
    it('answers 404 JSON for an unknown action', async () => {
      const res = await run('delete_everything', { data: { subject: 'x' } });
      expectError(res, 404);
      expect(res.body.code).toBe('action_unknown');
      expect(res.body.message).toContain('delete_everything');
    });

    it('answers 401 for wrong credentials', async () => {
      const res = await t.post('/actions/create_ticket', {
        auth: { ...DEMO, password: 'nope' },
        meta: { contact_external_id: contactId },
        data: { subject: 'x' },
      });
      expectError(res, 401);
      expect(res.body.code).toBe('credentials_rejected');
    });

    it('answers 400 naming the fields when data or meta have the wrong type', async () => {
      const res = await run('create_ticket', {
        meta: { contact_external_id: { id: 1 } },
        data: 'subject',
      });
      expectError(res, 400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.message).toContain('data');
      expect(res.body.message).toContain('meta.contact_external_id');
    });
  });
});
