import { randomUUID } from 'node:crypto';
import {
  AccountRef,
  ActionRequest,
  AuthFields,
  CallOptions,
  ContactLookup,
  ContactPosition,
  ContactQuery,
  ContactRecord,
  InteractionRecord,
  UserBatch,
  UserRecord,
} from '../../src/connectors/ports';
import { PortSet } from '../support/ports';

/**
 * The contract every adapter honours, written against the ports only. An adapter's spec file
 * calls `describePortContract` with a fixture: the six ports bound to a fresh external system,
 * and the facts the suite may rely on. Nothing here knows how an adapter stores its data.
 *
 * What the fixture's external system must hold, for each of its two accounts: some contacts
 * (with emails and phones), some users, and, in the first account, contacts with interactions
 * of at least two types among the first few hundred contacts. Contacts sharing one timestamp
 * must exist, or the fixture must offer `seedContacts` (the suite then writes such a group).
 * Either `seedContacts` or `createContactAction` must be offered, so that the suite can write a
 * contact of its own. A connector declaring a visibility delay (its system lists a change only
 * some time after it) needs `elapse`, which lets that time pass on the system's own clock.
 */

export type { PortSet };

/** A contact the suite asks the fixture to write. */
export interface SeedContact {
  name: string;
  emails: string[];
  phones: string[];
  /** Epoch milliseconds: the contact's last change, honoured by `seedContacts`. */
  updatedAt: number;
}

export interface PortContractFixture {
  ports: PortSet;
  /** Valid credentials of two different accounts. */
  accounts: [AuthFields, AuthFields];
  /** Credentials the external system must refuse (e.g. a wrong password, an unknown user). */
  invalidCredentials: { label: string; auth: AuthFields }[];
  /**
   * The fields of `auth` that must all be right (default: every key of the first account's
   * credentials): the suite also refuses them one by one missing, altered or not a string.
   */
  credentialFields?: string[];
  /** Contact and user ids are unique across accounts (e.g. database keys): id sets can be compared. */
  idsUniqueAcrossAccounts: boolean;
  /** Writes contacts with the given timestamps into an account (0 or 1); answers their ids, in order. */
  seedContacts?(account: 0 | 1, contacts: SeedContact[]): Promise<string[]>;
  /** The action that creates a contact, and its input for a contact. */
  createContactAction?: {
    name: string;
    data(contact: { name: string; email: string; phone: string }): Record<string, unknown>;
  };
  /**
   * A valid request for the named action on a contact of the account. Default: every mandatory
   * input filled with text, on that contact.
   */
  actionRequest?(name: string, contactId: string): ActionRequest;
  /**
   * Lets `ms` pass on the external system's clock (its stand-in's clock, never a sleep): for a
   * connector declaring `visibilityDelayMs`, the suite lets the delay pass before it expects a
   * contact it just wrote to be listed.
   */
  elapse?(ms: number): Promise<void>;
  /** Orders two contact ids sharing one timestamp (default: numerically when both are integers, else as strings). */
  compareIds?(a: string, b: string): number;
  teardown(): Promise<void>;
}

const INTEGER = /^\d+$/;

function defaultCompareIds(a: string, b: string): number {
  if (INTEGER.test(a) && INTEGER.test(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

const positionOf = (r: ContactRecord): ContactPosition => ({ updatedAt: r.updatedAt, id: r.id });

const dateMs = (date: InteractionRecord['date']): number =>
  date instanceof Date ? date.getTime() : new Date(date).getTime();

const ids = (records: { id: string | number }[]): string[] => records.map((r) => String(r.id));

const digitsOf = (text: string) => text.replace(/\D/g, '');

const MAX_CALLS = 20_000;

export function describePortContract(
  name: string,
  setup: () => Promise<PortContractFixture>,
): void {
  describe(`port contract: ${name}`, () => {
    let f: PortContractFixture;
    let ports: PortSet;
    let accounts: [AccountRef, AccountRef];
    /** Upper bound of the snapshot: every contact written later is after it. */
    let until: number;
    /** Every contact of each account up to `until`, as listed by paging with limit 100. */
    let snapshot: [ContactRecord[], ContactRecord[]];
    /** Contacts the suite wrote into account 0 before the snapshot. */
    let probe: { id: string; name: string; email: string; phone: string };
    let compareIds: (a: string, b: string) => number;

    const options = (): CallOptions => ({ signal: AbortSignal.timeout(30_000) });

    const compare = (a: ContactPosition, b: ContactPosition) =>
      a.updatedAt !== b.updatedAt ? a.updatedAt - b.updatedAt : compareIds(a.id, b.id);

    async function authenticate(auth: AuthFields): Promise<AccountRef | null> {
      const result = await ports.credentials.authenticate(auth, options());
      return result ? result.account : null;
    }

    interface Paged {
      records: ContactRecord[];
      batches: { size: number; hasMore: boolean; last?: ContactPosition }[];
    }

    /** Pages through a query by the last record's position, as the bridge does. */
    async function pageContacts(
      account: AccountRef,
      query: Omit<ContactQuery, 'after'>,
      from?: ContactPosition,
    ): Promise<Paged> {
      const out: Paged = { records: [], batches: [] };
      let after = from;
      for (let calls = 0; ; calls++) {
        if (calls > MAX_CALLS) throw new Error('listContacts never reported the end');
        const batch = await ports.contacts.listContacts(
          account,
          { ...query, ...(after && { after }) },
          options(),
        );
        const tail = batch.records[batch.records.length - 1];
        out.batches.push({
          size: batch.records.length,
          hasMore: batch.hasMore,
          ...(tail && { last: positionOf(tail) }),
        });
        out.records.push(...batch.records);
        if (!batch.hasMore) return out;
        if (!tail) throw new Error('listContacts reported more contacts but listed none');
        after = positionOf(tail);
      }
    }

    async function pageUsers(
      account: AccountRef,
      limit: number,
    ): Promise<{ records: UserRecord[]; batches: UserBatch[] }> {
      const records: UserRecord[] = [];
      const batches: UserBatch[] = [];
      let position: number | null = null;
      for (let calls = 0; ; calls++) {
        if (calls > MAX_CALLS) throw new Error('listUsers never reported the end');
        const batch = await ports.agents.listUsers(account, position, limit, options());
        batches.push(batch);
        records.push(...batch.records);
        if (batch.next === null) return { records, batches };
        position = batch.next;
      }
    }

    /** Writes contacts through the fixture's writer, or else through its create-contact action. */
    async function writeContacts(account: 0 | 1, contacts: SeedContact[]): Promise<string[]> {
      if (f.seedContacts) return f.seedContacts(account, contacts);
      const action = f.createContactAction;
      if (!action) {
        throw new Error('The fixture must offer seedContacts or createContactAction');
      }
      const out: string[] = [];
      for (const contact of contacts) {
        const outcome = await ports.actions.run(
          accounts[account],
          action.name,
          {
            data: action.data({
              name: contact.name,
              email: contact.emails[0] ?? '',
              phone: contact.phones[0] ?? '',
            }),
          },
          options(),
        );
        if (!outcome.contactExternalId) throw new Error(`${action.name} gave no contact id`);
        out.push(outcome.contactExternalId);
      }
      return out;
    }

    const visibilityDelay = () => ports.connector.capabilities.visibilityDelayMs ?? 0;

    const everyType = () => ports.connector.capabilities.interactionTypes;

    const lookup = (fields: Partial<ContactLookup>): ContactLookup => ({
      emails: [],
      phones: [],
      ...fields,
    });

    const find = (account: AccountRef, contact: ContactLookup, types = everyType(), limit = 500) =>
      ports.interactions.findInteractions(account, contact, { types, limit }, options());

    beforeAll(async () => {
      f = await setup();
      ports = f.ports;
      compareIds = f.compareIds ?? defaultCompareIds;
      const first = await authenticate(f.accounts[0]);
      const second = await authenticate(f.accounts[1]);
      if (!first || !second) throw new Error('The fixture credentials were refused');
      accounts = [first, second];

      const tag = randomUUID().slice(0, 8);
      const past = Date.UTC(2020, 0, 1, 12);
      probe = {
        id: '',
        name: `Contract probe ${tag}`,
        email: `contract-probe-${tag}@contract.example.test`,
        phone: '+1 206 555 0142',
      };
      [probe.id] = await writeContacts(0, [
        { name: probe.name, emails: [probe.email], phones: [probe.phone], updatedAt: past },
      ]);
      if (f.seedContacts) {
        // A group sharing one timestamp, larger than the page sizes the tests use.
        const group = Array.from({ length: 9 }, (_, i) => ({
          name: `Contract tie ${tag} ${i}`,
          emails: [],
          phones: [],
          updatedAt: past + 60_000,
        }));
        await f.seedContacts(0, group);
        await f.seedContacts(1, group.slice(0, 3));
      }
      // The last instant the source can tell apart from now, as the contacts service bounds a
      // run: a source keeping whole seconds gives a contact written later this second's time,
      // and one listing changes only after a delay has listed everything up to that long ago.
      const precision = ports.connector.capabilities.updatedAtPrecisionMs ?? 1;
      until = Math.floor((Date.now() - visibilityDelay()) / precision) * precision - 1;
      snapshot = [
        (await pageContacts(accounts[0], { changedUntil: until, limit: 100 })).records,
        (await pageContacts(accounts[1], { changedUntil: until, limit: 100 })).records,
      ];
    }, 120_000);

    afterAll(async () => {
      await f?.teardown();
    });

    describe('CredentialsPort', () => {
      it('authenticate answers an account with a key for valid credentials', async () => {
        for (const auth of f.accounts) {
          const result = await ports.credentials.authenticate(auth, options());
          expect(result).not.toBeNull();
          expect(typeof result?.account.key).toBe('string');
          expect(result?.account.key.length).toBeGreaterThan(0);
        }
      });

      it('the same credentials resolve to the same account key', async () => {
        expect((await authenticate(f.accounts[0]))?.key).toBe(accounts[0].key);
        expect((await authenticate({ ...f.accounts[1] }))?.key).toBe(accounts[1].key);
      });

      it('account keys differ between accounts', () => {
        expect(accounts[0].key).not.toBe(accounts[1].key);
      });

      it('the account key does not reveal the credentials', () => {
        for (const [i, auth] of f.accounts.entries()) {
          for (const value of Object.values(auth)) {
            if (typeof value === 'string' && value.length >= 3) {
              expect(accounts[i].key).not.toContain(value);
            }
          }
        }
      });

      it('authenticate answers null for the invalid credentials the fixture declares', async () => {
        expect(f.invalidCredentials.length).toBeGreaterThan(0);
        const accepted: string[] = [];
        for (const { label, auth } of f.invalidCredentials) {
          if ((await authenticate(auth)) !== null) accepted.push(label);
        }
        expect(accepted).toEqual([]);
      });

      it('authenticate answers null when a credential field is missing, altered or not a string', async () => {
        const valid = f.accounts[0];
        const fields = f.credentialFields ?? Object.keys(valid);
        expect(fields.length).toBeGreaterThan(0);
        const cases: [string, AuthFields][] = [['empty auth', {}]];
        for (const field of fields) {
          const rest = Object.fromEntries(Object.entries(valid).filter(([k]) => k !== field));
          cases.push([`${field} missing`, rest]);
          cases.push([`${field} altered`, { ...valid, [field]: `${String(valid[field])}-x` }]);
          cases.push([`${field} empty`, { ...valid, [field]: '' }]);
          for (const [kind, value] of [
            ['null', null],
            ['a number', 12345],
            ['a boolean', true],
            ['an object', { value: valid[field] }],
            ['an array', [valid[field]]],
          ] as const) {
            cases.push([`${field} as ${kind}`, { ...valid, [field]: value }]);
          }
        }
        const accepted: string[] = [];
        for (const [label, auth] of cases) {
          if ((await authenticate(auth)) !== null) accepted.push(label);
        }
        expect(accepted).toEqual([]);
      });
    });

    describe('ContactsPort', () => {
      it('records carry a string id and an epoch-millisecond updatedAt', () => {
        for (const records of snapshot) {
          expect(records.length).toBeGreaterThan(2);
          const broken = records.filter(
            (r) =>
              typeof r.id !== 'string' ||
              r.id.length === 0 ||
              typeof r.updatedAt !== 'number' ||
              !Number.isFinite(r.updatedAt),
          );
          expect(broken).toEqual([]);
        }
      });

      it('listContacts answers records in ascending (updatedAt, id) order', async () => {
        for (const records of snapshot) {
          for (let i = 1; i < records.length; i++) {
            if (compare(records[i - 1], records[i]) >= 0) {
              throw new Error(
                `record ${i} (${records[i].updatedAt}, ${records[i].id}) is not after (${records[i - 1].updatedAt}, ${records[i - 1].id})`,
              );
            }
          }
        }
        // A single large batch is ordered too, not only a sequence of pages.
        const batch = await ports.contacts.listContacts(
          accounts[0],
          { changedUntil: until, limit: 500 },
          options(),
        );
        const sorted = [...batch.records].sort(compare);
        expect(ids(batch.records)).toEqual(ids(sorted));
      });

      it('listContacts respects limit', async () => {
        for (const limit of [1, 2, 5, 37]) {
          const batch = await ports.contacts.listContacts(
            accounts[0],
            { changedUntil: until, limit },
            options(),
          );
          expect(batch.records.length).toBeGreaterThan(0);
          expect(batch.records.length).toBeLessThanOrEqual(limit);
          expect(batch.hasMore).toBe(batch.records.length < snapshot[0].length);
        }
      });

      it('hasMore is true exactly when contacts remain after the last record', async () => {
        const paged = await pageContacts(accounts[0], { changedUntil: until, limit: 250 });
        expect(paged.batches.length).toBeGreaterThan(1);
        for (const batch of paged.batches) {
          expect(batch.last).toBeDefined();
          const next = await ports.contacts.listContacts(
            accounts[0],
            { changedUntil: until, limit: 1, after: batch.last },
            options(),
          );
          expect(next.records.length > 0).toBe(batch.hasMore);
        }
        const total = snapshot[0].length;
        const whole = await ports.contacts.listContacts(
          accounts[0],
          { changedUntil: until, limit: total },
          options(),
        );
        if (whole.records.length === total) expect(whole.hasMore).toBe(false);
        const allButOne = await ports.contacts.listContacts(
          accounts[0],
          { changedUntil: until, limit: total - 1 },
          options(),
        );
        expect(allButOne.hasMore).toBe(true);
        const pastEnd = await ports.contacts.listContacts(
          accounts[0],
          { changedUntil: until, limit: 10, after: positionOf(snapshot[0][total - 1]) },
          options(),
        );
        // Nothing after the last record (`filtered` may count records the connector left out).
        expect(pastEnd.records).toEqual([]);
        expect(pastEnd.hasMore).toBe(false);
        expect(pastEnd.resume).toBeUndefined();
      });

      it('`after` is exclusive: listing resumes at the record right after it', async () => {
        const records = snapshot[0];
        const picks = [0, 1, Math.floor(records.length / 2), records.length - 2];
        for (const k of picks) {
          const batch = await ports.contacts.listContacts(
            accounts[0],
            { changedUntil: until, limit: 3, after: positionOf(records[k]) },
            options(),
          );
          expect(ids(batch.records)).toEqual(ids(records.slice(k + 1, k + 1 + 3)));
        }
      });

      it('paging by the last record’s position visits every contact exactly once', async () => {
        const expected = ids(snapshot[0]);
        expect(new Set(expected).size).toBe(expected.length);
        for (const limit of [3, 17, 250]) {
          const paged = await pageContacts(accounts[0], { changedUntil: until, limit });
          expect(ids(paged.records)).toEqual(expected);
          for (const batch of paged.batches) expect(batch.size).toBeLessThanOrEqual(limit);
        }
      });

      it('paging through contacts sharing one timestamp loses and repeats none of them', async () => {
        const records = snapshot[0];
        // The largest group of contacts sharing one timestamp.
        let best = { start: 0, size: 0 };
        for (let i = 0; i < records.length;) {
          let j = i;
          while (j < records.length && records[j].updatedAt === records[i].updatedAt) j++;
          if (j - i > best.size) best = { start: i, size: j - i };
          i = j;
        }
        expect(best.size).toBeGreaterThan(2);
        const group = records.slice(best.start, best.start + best.size);
        const at = group[0].updatedAt;
        for (const limit of [1, 2]) {
          const from = best.start > 0 ? positionOf(records[best.start - 1]) : undefined;
          // Page from just before the group until past it, with pages smaller than the group.
          const seen: ContactRecord[] = [];
          let after = from;
          while (seen.length === 0 || seen[seen.length - 1].updatedAt === at) {
            const batch = await ports.contacts.listContacts(
              accounts[0],
              { changedUntil: until, limit, ...(after && { after }) },
              options(),
            );
            if (batch.records.length === 0) break;
            seen.push(...batch.records);
            after = positionOf(batch.records[batch.records.length - 1]);
          }
          expect(ids(seen.filter((r) => r.updatedAt === at))).toEqual(ids(group));
        }
      });

      it('changedUntil is an inclusive upper bound', async () => {
        const records = snapshot[0];
        const bound = records[Math.floor(records.length / 3)].updatedAt;
        const paged = await pageContacts(accounts[0], { changedUntil: bound, limit: 100 });
        const expected = records.filter((r) => r.updatedAt <= bound);
        expect(expected.some((r) => r.updatedAt === bound)).toBe(true);
        expect(ids(paged.records)).toEqual(ids(expected));
        for (const r of paged.records) expect(r.updatedAt).toBeLessThanOrEqual(bound);
      });

      it('changedSince is an inclusive lower bound', async () => {
        const records = snapshot[0];
        const bound = records[Math.floor((records.length * 2) / 3)].updatedAt;
        const paged = await pageContacts(accounts[0], {
          changedSince: bound,
          changedUntil: until,
          limit: 100,
        });
        const expected = records.filter((r) => r.updatedAt >= bound);
        expect(expected.some((r) => r.updatedAt === bound)).toBe(true);
        expect(ids(paged.records)).toEqual(ids(expected));
        for (const r of paged.records) expect(r.updatedAt).toBeGreaterThanOrEqual(bound);
      });

      it('changedSince equal to changedUntil selects exactly the contacts of that instant', async () => {
        const records = snapshot[0];
        const counts = new Map<number, number>();
        for (const r of records) counts.set(r.updatedAt, (counts.get(r.updatedAt) ?? 0) + 1);
        const [instant] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
        const paged = await pageContacts(accounts[0], {
          changedSince: instant,
          changedUntil: instant,
          limit: 2,
        });
        expect(ids(paged.records)).toEqual(ids(records.filter((r) => r.updatedAt === instant)));
      });

      it('a contact written later is listed once the upper bound includes it, and not before', async () => {
        const tag = randomUUID().slice(0, 8);
        const name = `Contract later ${tag}`;
        const [id] = await writeContacts(0, [
          {
            name,
            emails: [`contract-later-${tag}@contract.example.test`],
            phones: [],
            updatedAt: Date.now(),
          },
        ]);
        const before = await pageContacts(accounts[0], { changedUntil: until, limit: 250 });
        expect(ids(before.records)).not.toContain(id);
        // The connector says its system lists a change only after a delay: let it pass there.
        if (visibilityDelay() > 0) {
          if (!f.elapse) throw new Error('A connector with a visibility delay needs elapse()');
          await f.elapse(visibilityDelay());
        }
        // A day of slack for a remote system's clock.
        const after = await pageContacts(accounts[0], {
          changedSince: until + 1 - 24 * 3600_000,
          changedUntil: Date.now() + 24 * 3600_000,
          limit: 250,
        });
        const found = after.records.filter((r) => r.id === id);
        expect(found).toHaveLength(1);
        expect(found[0].name).toBe(name);
      });

      it('one account never sees another account’s contacts', async () => {
        const [mine, theirs] = snapshot;
        expect(mine.map((r) => r.name)).toContain(probe.name);
        expect(ids(mine)).toContain(probe.id);
        expect(theirs.map((r) => r.name)).not.toContain(probe.name);
        expect(theirs.flatMap((r) => r.emails ?? [])).not.toContain(probe.email);
        if (f.idsUniqueAcrossAccounts) {
          const other = new Set(ids(theirs));
          expect(ids(mine).filter((id) => other.has(id))).toEqual([]);
        } else {
          expect(mine.map((r) => [r.id, r.name])).not.toEqual(theirs.map((r) => [r.id, r.name]));
        }
      });
    });

    describe('AgentsPort', () => {
      it('listUsers paging visits every user exactly once and next is null at the end', async () => {
        for (const account of accounts) {
          const reference = await pageUsers(account, 1000);
          const expected = ids(reference.records);
          expect(expected.length).toBeGreaterThan(1);
          expect(new Set(expected).size).toBe(expected.length);
          for (const limit of [1, 3, 7]) {
            const paged = await pageUsers(account, limit);
            expect(ids(paged.records)).toEqual(expected);
            const last = paged.batches[paged.batches.length - 1];
            expect(last.next).toBeNull();
            for (const batch of paged.batches) {
              expect(batch.records.length).toBeLessThanOrEqual(limit);
              if (batch.next !== null) expect(Number.isInteger(batch.next)).toBe(true);
            }
            // Every position handed out leads to more users.
            for (const batch of paged.batches.slice(0, -1)) {
              expect(batch.records.length).toBeGreaterThan(0);
            }
          }
        }
      });

      it('a batch ending at the last user has next null', async () => {
        const { records } = await pageUsers(accounts[0], 1000);
        const exact = await ports.agents.listUsers(accounts[0], null, records.length, options());
        expect(ids(exact.records)).toEqual(ids(records));
        expect(exact.next).toBeNull();
        const short = await ports.agents.listUsers(
          accounts[0],
          null,
          records.length - 1,
          options(),
        );
        expect(short.next).not.toBeNull();
      });

      it('one account never sees another account’s users', async () => {
        const mine = (await pageUsers(accounts[0], 1000)).records;
        const theirs = (await pageUsers(accounts[1], 1000)).records;
        expect(theirs.length).toBeGreaterThan(0);
        if (f.idsUniqueAcrossAccounts) {
          const other = new Set(ids(theirs));
          expect(ids(mine).filter((id) => other.has(id))).toEqual([]);
        } else {
          expect(mine.map((u) => [u.id, u.email])).not.toEqual(theirs.map((u) => [u.id, u.email]));
        }
      });
    });

    describe('InteractionsPort', () => {
      /** A contact of account 0 with interactions of at least two types. */
      let rich: { record: ContactRecord; interactions: InteractionRecord[] };
      /** Contacts of account 0 with interactions, one reachable by a unique email, one by a unique phone. */
      let byEmail: { email: string; contactId: string; interactions: InteractionRecord[] };
      let byPhone: { phone: string; contactId: string; interactions: InteractionRecord[] };

      beforeAll(async () => {
        const records = snapshot[0];
        const emailCount = new Map<string, number>();
        for (const r of records) {
          for (const e of new Set((r.emails ?? []).map((x) => (x ?? '').trim().toLowerCase()))) {
            if (e) emailCount.set(e, (emailCount.get(e) ?? 0) + 1);
          }
        }
        const phoneDigits = records.map((r) =>
          (r.phones ?? []).map((p) => digitsOf(p ?? '')).filter(Boolean),
        );
        // A phone no other contact could be taken for: no letters (extensions), and its last 7
        // digits appear in no other contact's phones, whatever the normalization.
        const uniquePhone = (index: number): string | undefined =>
          (records[index].phones ?? []).find((p) => {
            if (!p || /[a-z]/i.test(p)) return false;
            const key = digitsOf(p).slice(-7);
            return (
              key.length === 7 &&
              phoneDigits.every((list, j) => j === index || list.every((d) => !d.includes(key)))
            );
          }) ?? undefined;

        for (const [index, record] of records.slice(0, 400).entries()) {
          const found = await find(accounts[0], lookup({ contactId: record.id }));
          if (!found || found.length === 0) continue;
          if (!rich && new Set(found.map((i) => i.type)).size >= 2) {
            rich = { record, interactions: found };
          }
          const email = (record.emails ?? [])
            .map((x) => (x ?? '').trim())
            .find((x) => x && emailCount.get(x.toLowerCase()) === 1);
          if (!byEmail && email) byEmail = { email, contactId: record.id, interactions: found };
          const phone = uniquePhone(index);
          if (!byPhone && phone) byPhone = { phone, contactId: record.id, interactions: found };
          if (rich && byEmail && byPhone) break;
        }
        if (!rich || !byEmail || !byPhone) {
          throw new Error(
            'The fixture data lacks a contact with interactions of two types, or reachable by a unique email or phone',
          );
        }
      });

      it('findInteractions answers only the requested types', async () => {
        const types = [...new Set(rich.interactions.map((i) => i.type))];
        expect(types.length).toBeGreaterThanOrEqual(2);
        for (const type of types) {
          const found = await find(accounts[0], lookup({ contactId: rich.record.id }), [type]);
          expect(found).not.toBeNull();
          expect(found?.length).toBeGreaterThan(0);
          expect(found?.every((i) => i.type === type)).toBe(true);
          expect(ids(found ?? []).sort()).toEqual(
            ids(rich.interactions.filter((i) => i.type === type)).sort(),
          );
        }
        const pair = types.slice(0, 2);
        const both = await find(accounts[0], lookup({ contactId: rich.record.id }), pair);
        expect(both?.every((i) => pair.includes(i.type))).toBe(true);
        expect(both?.length).toBe(rich.interactions.filter((i) => pair.includes(i.type)).length);
      });

      it('findInteractions answers only types the connector declares', () => {
        for (const i of rich.interactions) expect(everyType()).toContain(i.type);
      });

      it('interactions carry an id and a readable date, newest first', () => {
        for (const i of rich.interactions) {
          expect(String(i.id).length).toBeGreaterThan(0);
          expect(Number.isFinite(dateMs(i.date))).toBe(true);
        }
        const times = rich.interactions.map((i) => dateMs(i.date));
        expect(times).toEqual([...times].sort((a, b) => b - a));
      });

      it('findInteractions respects limit, keeping the most recent', async () => {
        const found = await find(
          accounts[0],
          lookup({ contactId: rich.record.id }),
          everyType(),
          1,
        );
        expect(found).toHaveLength(1);
        expect(String(found?.[0].id)).toBe(String(rich.interactions[0].id));
      });

      it('findInteractions answers null for an unknown contact', async () => {
        const known = new Set(snapshot.flatMap((records) => ids(records)));
        const numeric = ids(snapshot[0]).filter((id) => INTEGER.test(id));
        const unknownId =
          numeric.length > 0
            ? String(numeric.reduce((max, id) => (BigInt(id) > max ? BigInt(id) : max), 0n) * 10n)
            : `unknown-${randomUUID()}`;
        expect(known.has(unknownId)).toBe(false);
        const nobody = `nobody-${randomUUID()}@contract.example.test`;
        expect(await find(accounts[0], lookup({ contactId: unknownId }))).toBeNull();
        expect(await find(accounts[0], lookup({ emails: [nobody] }))).toBeNull();
        expect(await find(accounts[0], lookup({ phones: ['+1 907 555 0199'] }))).toBeNull();
        expect(
          await find(
            accounts[0],
            lookup({ contactId: unknownId, name: 'Nobody', emails: [nobody], phones: [] }),
          ),
        ).toBeNull();
      });

      it('findInteractions finds a contact by email when the id is absent', async () => {
        const found = await find(accounts[0], lookup({ emails: [byEmail.email] }));
        expect(found).not.toBeNull();
        expect(ids(found ?? [])).toEqual(ids(byEmail.interactions));
        // The suite's own contact has no interactions: found, so an empty list rather than null.
        expect(await find(accounts[0], lookup({ emails: [probe.email] }))).toEqual([]);
      });

      it('findInteractions finds a contact by phone when the id and emails are absent', async () => {
        const found = await find(accounts[0], lookup({ phones: [byPhone.phone] }));
        expect(found).not.toBeNull();
        expect(ids(found ?? [])).toEqual(ids(byPhone.interactions));
        expect(await find(accounts[0], lookup({ phones: [probe.phone] }))).toEqual([]);
      });

      it('findInteractions falls back to the email when the id is unknown', async () => {
        const found = await find(
          accounts[0],
          lookup({ contactId: `unknown-${randomUUID()}`, emails: [byEmail.email] }),
        );
        expect(ids(found ?? [])).toEqual(ids(byEmail.interactions));
      });

      it('one account never sees another account’s interactions', async () => {
        const theirEmails = new Set(
          snapshot[1].flatMap((r) => (r.emails ?? []).map((e) => (e ?? '').trim().toLowerCase())),
        );
        expect(theirEmails.has(byEmail.email.toLowerCase())).toBe(false);
        expect(await find(accounts[1], lookup({ emails: [byEmail.email] }))).toBeNull();
        expect(await find(accounts[1], lookup({ emails: [probe.email] }))).toBeNull();
        if (f.idsUniqueAcrossAccounts) {
          expect(await find(accounts[1], lookup({ contactId: rich.record.id }))).toBeNull();
        }
      });
    });

    describe('ActionsPort', () => {
      const requestFor = (name: string, contactId: string): ActionRequest => {
        if (f.actionRequest) return f.actionRequest(name, contactId);
        const definition = ports.actions.definitions.find((d) => d.name === name);
        const data: Record<string, unknown> = {};
        for (const input of definition?.inputs ?? []) {
          if (input.mandatory) data[input.key] = `Contract ${input.name}`;
        }
        return { data, contactExternalId: contactId };
      };

      it('definitions have a unique name, display, description and inputs', () => {
        const definitions = ports.actions.definitions;
        expect(definitions.length).toBeGreaterThan(0);
        expect(new Set(definitions.map((d) => d.name)).size).toBe(definitions.length);
        for (const d of definitions) {
          expect(d.name).toMatch(/^[A-Za-z0-9_-]+$/);
          for (const text of [d.display, d.description]) {
            expect(typeof text).toBe('string');
            expect(text.trim().length).toBeGreaterThan(0);
          }
          expect(Array.isArray(d.inputs)).toBe(true);
          expect(new Set(d.inputs.map((i) => i.key)).size).toBe(d.inputs.length);
          for (const input of d.inputs) {
            expect(typeof input.key).toBe('string');
            expect(input.key.length).toBeGreaterThan(0);
            expect(typeof input.name).toBe('string');
            expect(input.name.length).toBeGreaterThan(0);
            expect(typeof input.mandatory).toBe('boolean');
          }
        }
      });

      it('running each action with valid input succeeds', async () => {
        const contactId = snapshot[0][snapshot[0].length - 1].id;
        for (const { name: action } of ports.actions.definitions) {
          const outcome = await ports.actions.run(
            accounts[0],
            action,
            requestFor(action, contactId),
            options(),
          );
          expect(typeof outcome).toBe('object');
          for (const value of Object.values(outcome)) {
            if (value !== undefined) expect(typeof value).toBe('string');
          }
        }
      });

      it('the create-contact action answers contactExternalId, contactExternalType and contactExternalUrl', async () => {
        const action = f.createContactAction;
        const names = ports.actions.definitions.map((d) => d.name);
        if (!action) {
          // Without a declared create-contact action, the adapter must not offer one.
          expect(names).not.toContain('create_contact');
          return;
        }
        expect(names).toContain(action.name);
        const tag = randomUUID().slice(0, 8);
        const outcome = await ports.actions.run(
          accounts[1],
          action.name,
          {
            data: action.data({
              name: `Contract created ${tag}`,
              email: `contract-created-${tag}@contract.example.test`,
              phone: '+1 503 555 0123',
            }),
          },
          options(),
        );
        expect(typeof outcome.contactExternalId).toBe('string');
        expect(outcome.contactExternalId?.length).toBeGreaterThan(0);
        expect(typeof outcome.contactExternalType).toBe('string');
        expect(outcome.contactExternalType?.length).toBeGreaterThan(0);
        expect(() => new URL(outcome.contactExternalUrl ?? '')).not.toThrow();
        // Created in the second account only.
        const window = {
          changedSince: until + 1 - 24 * 3600_000,
          changedUntil: Date.now() + 24 * 3600_000,
          limit: 250,
        };
        const theirs = await pageContacts(accounts[1], window);
        expect(theirs.records.filter((r) => r.id === outcome.contactExternalId)).toHaveLength(1);
        const mine = await pageContacts(accounts[0], window);
        expect(mine.records.map((r) => r.name)).not.toContain(`Contract created ${tag}`);
      });
    });

    describe('ConnectorPort', () => {
      it('ping resolves', async () => {
        await expect(ports.connector.ping(options())).resolves.toBeUndefined();
      });

      it('declares its kind, authentication and capabilities', () => {
        const { connector } = ports;
        expect(connector.kind.length).toBeGreaterThan(0);
        expect(['none', 'custom', 'oauth2']).toContain(connector.authenticationType);
        if (connector.authenticationType === 'custom') {
          const declared = connector.authenticationFields.map((field) => field.field_name);
          expect(declared.length).toBeGreaterThan(0);
          for (const field of f.credentialFields ?? Object.keys(f.accounts[0])) {
            expect(declared).toContain(field);
          }
        }
        expect(Array.isArray(connector.capabilities.interactionTypes)).toBe(true);
        for (const type of connector.capabilities.interactionTypes) {
          expect(typeof type).toBe('string');
        }
      });

      it('declares a visibility delay only as a whole number of milliseconds, at most an hour', () => {
        const delay = ports.connector.capabilities.visibilityDelayMs;
        if (delay !== undefined) {
          expect(Number.isSafeInteger(delay) && delay >= 0 && delay <= 3_600_000).toBe(true);
        }
      });

      it('contacts’ update times are whole multiples of the precision it declares', () => {
        const precision = ports.connector.capabilities.updatedAtPrecisionMs ?? 1;
        expect(Number.isSafeInteger(precision) && precision > 0).toBe(true);
        for (const records of snapshot) {
          expect(records.filter((r) => r.updatedAt % precision !== 0)).toEqual([]);
        }
      });
    });
  });
}
