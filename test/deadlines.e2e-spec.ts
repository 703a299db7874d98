import { ActionsPort, AgentsPort, ContactsPort, InteractionsPort } from '../src/connectors/ports';
import { MappedActionsAdapter } from '../src/connectors/sql/mapped/mapped-adapters';
import { decodeOffset } from '../src/contacts/contact-sync-tokens';
import { CONTACT_TIME, newAgent, newContactRecord } from './factories';
import { DEMO, useTestApp } from './support/test-app';
import { tokensOf } from './support/talkdesk';

/**
 * Well beyond what a request needs before its adapter is called once its credentials are cached
 * (a few ms; tens of ms on a loaded machine), far below the 5 s default it stands in for.
 */
const BUDGET_MS = 1000;
/** Far beyond the budget, below the 5 s default and jest's timeout: a late answer would show. */
const NEVER_LATER_THAN_MS = 4500;

const contact = (n: number) => newContactRecord({ id: String(n), updatedAt: CONTACT_TIME + n });

/** A promise that settles only when the test says so, whatever signal it was given. */
function stalled<T>() {
  let settle!: { resolve: (v: T) => void; reject: (e: unknown) => void };
  const promise = new Promise<T>((resolve, reject) => (settle = { resolve, reject }));
  return { promise, settle };
}

describe('deadlines: no answer after the request budget', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeAll(() => process.on('unhandledRejection', onUnhandled));
  afterAll(() => process.off('unhandledRejection', onUnhandled));

  describe('adapters that ignore their signal', () => {
    const pending: ReturnType<typeof stalled<any>>[] = [];
    /** Contacts: the first call of a request answers 10 at once, later ones stall. */
    let contactCalls = 0;
    let contactsFirstCallStalls = false;
    let userCalls = 0;

    const contacts: Partial<ContactsPort> = {
      listContacts: (_account, query) => {
        contactCalls++;
        if (contactsFirstCallStalls || query.after?.id === '10') {
          const s = stalled<any>();
          pending.push(s);
          return s.promise;
        }
        const from = query.after ? Number(query.after.id) + 1 : 1;
        return Promise.resolve({
          records: Array.from({ length: 10 }, (_, i) => contact(from + i)),
          hasMore: true,
        });
      },
    };
    const agents: Partial<AgentsPort> = {
      listUsers: (_account, position) => {
        userCalls++;
        if (position === 5) {
          const s = stalled<any>();
          pending.push(s);
          return s.promise;
        }
        const users = [1, 2, 3, 4, 5].map((id) => newAgent({ id }));
        return Promise.resolve({ records: users, next: 5 });
      },
    };
    const interactions: Partial<InteractionsPort> = {
      findInteractions: () => {
        const s = stalled<any>();
        pending.push(s);
        return s.promise;
      },
    };
    const t = useTestApp(
      { requestBudgetMs: BUDGET_MS, contactsPageSize: 50, agentsPageSize: 50 },
      { ports: { contacts, agents, interactions } },
    );
    // The first request of an account derives its password hash (scrypt), which on a loaded
    // machine can take most of the budget before the adapter is called at all; the budget
    // under test is the adapter's, so the credentials are checked (and cached) first.
    beforeAll(async () =>
      expect((await t.post('/auth/validate', { auth: DEMO })).status).toBe(204),
    );

    it('a contact page that cannot be filled in time is answered with what it has and a next_offset', async () => {
      contactCalls = 0;
      const started = Date.now();
      const res = await t.post('/contacts/sync', { auth: DEMO });
      expect(Date.now() - started).toBeLessThan(NEVER_LATER_THAN_MS);
      expect(res.status).toBe(200);
      expect(res.body.contacts.map((c: any) => c.id)).toEqual(
        Array.from({ length: 10 }, (_, i) => String(i + 1)),
      );
      expect(decodeOffset(await tokensOf(t, DEMO), res.body.next_offset)).toEqual({
        id: '10',
        updatedAt: contact(10).updatedAt,
      });
      expect(typeof res.body.context).toBe('string');
      expect(contactCalls).toBe(2);
    });

    it('a contact sync whose first batch never comes answers 504 at the deadline', async () => {
      contactsFirstCallStalls = true;
      try {
        const started = Date.now();
        const res = await t.post('/contacts/sync', { auth: DEMO });
        expect(Date.now() - started).toBeLessThan(NEVER_LATER_THAN_MS);
        expect(res.status).toBe(504);
        expect(res.body).toEqual({
          code: 'deadline_exceeded',
          message: expect.any(String),
          request_id: res.headers['x-request-id'],
        });
      } finally {
        contactsFirstCallStalls = false;
      }
    });

    it('an agent page loops over batches and is cut short in time, with a next_offset', async () => {
      userCalls = 0;
      const started = Date.now();
      const res = await t.post('/agents/sync', { auth: DEMO });
      expect(Date.now() - started).toBeLessThan(NEVER_LATER_THAN_MS);
      expect(res.status).toBe(200);
      expect(res.body.agents).toHaveLength(5);
      expect(res.body.next_offset).toBe(5);
      expect(userCalls).toBe(2);
    });

    it('interaction retrieval answers 504 {message, request_id} at the deadline', async () => {
      const started = Date.now();
      const res = await t.post('/interactions/retrieve', {
        auth: DEMO,
        data: { contact_external_id: '1' },
      });
      expect(Date.now() - started).toBeLessThan(NEVER_LATER_THAN_MS);
      expect(res.status).toBe(504);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body).toEqual({
        code: 'deadline_exceeded',
        message: expect.stringMatching(/budget/),
        request_id: res.headers['x-request-id'],
      });
    });

    it('late results and late failures are dropped without a crash or a second answer', async () => {
      expect(pending.length).toBeGreaterThan(0);
      pending.forEach((p, i) =>
        i % 2 ? p.settle.reject(new Error('late failure')) : p.settle.resolve([]),
      );
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
      // The app still serves.
      const res = await t.post('/agents/sync', { auth: DEMO, meta: { offset: 0 } });
      expect(res.status).toBe(200);
    });
  });

  describe('an action whose adapter stalls', () => {
    const t = useTestApp(
      { requestBudgetMs: BUDGET_MS },
      {
        override: (builder) =>
          builder.overrideProvider(ActionsPort).useFactory({
            // The real action definitions; running stalls past any deadline.
            factory: (real: MappedActionsAdapter) => ({
              definitions: real.definitions,
              run: () => new Promise(() => undefined),
            }),
            inject: [MappedActionsAdapter],
          }),
      },
    );

    it('answers 504 at the deadline', async () => {
      const started = Date.now();
      const res = await t.post('/actions/create_contact', { auth: DEMO, data: { name: 'Late' } });
      expect(Date.now() - started).toBeLessThan(NEVER_LATER_THAN_MS);
      expect(res.status).toBe(504);
      expect(res.body.code).toBe('deadline_exceeded');
      expect(res.body.request_id).toBe(res.headers['x-request-id']);
    });
  });
});
