import { Database, openDatabase } from '../src/connectors/sql/database';
import { seededRandom } from '../src/common/seeded-random';
import { createAccount, insertContacts } from '../src/connectors/sql/sql-writer';
import { newContact } from './factories';
import { startTestApp, TestApp } from './support/test-app';

const AUTH = { username: 'churn@example.com', password: 'churn-pass' };
/** The most sync rounds run while waiting for the churn to add up. */
const MAX_ROUNDS = 200;

/**
 * Another writer of the external system: inserts and updates contacts as fast as the event loop
 * lets it, often many at one timestamp, until stopped. Each write gives the contact a new
 * version in its name, so a stale copy on the Talkdesk side shows.
 */
function startWriter(db: Database, accountId: number) {
  const rng = seededRandom(42);
  let version = 0;
  let running = true;
  let writes = 0;
  const done = (async () => {
    while (running) {
      const ids = (
        await db.selectFrom('contacts').select('id').where('account_id', '=', accountId).execute()
      ).map((r) => Number(r.id));
      const now = Date.now();
      const roll = rng();
      if (roll < 0.3) {
        // A burst of new contacts sharing one timestamp.
        const count = 1 + Math.floor(rng() * 12);
        await insertContacts(
          db,
          accountId,
          Array.from({ length: count }, () =>
            newContact({ name: `new v${++version}`, updatedAt: now }),
          ),
          'US',
        );
        writes += count;
      } else {
        // Updates, many of them stamped with one instant.
        const count = 1 + Math.floor(rng() * (roll < 0.5 ? 25 : 4));
        for (let i = 0; i < count; i++) {
          const id = ids[Math.floor(rng() * ids.length)];
          await db
            .updateTable('contacts')
            .set({ name: `updated v${++version}`, updated_at: now })
            .where('id', '=', id)
            .execute();
        }
        writes += count;
      }
      await new Promise((r) => setTimeout(r, Math.floor(rng() * 3)));
    }
  })();
  return {
    get writes() {
      return writes;
    },
    async stop() {
      running = false;
      await done;
    },
  };
}

describe('no contact lost under churn', () => {
  let t: TestApp;
  let writerDb: Database;
  let accountId: number;

  beforeAll(async () => {
    t = await startTestApp({ contactsPageSize: 7, seedDemo: false, rateLimitMax: 0 });
    writerDb = openDatabase(t.database.url, t.dataDir);
    accountId = await createAccount(writerDb, AUTH.username, AUTH.password, 'Churn Ltd.');
    // 400 contacts, in clusters of up to 20 sharing one timestamp.
    const base = Date.now() - 3_600_000;
    await insertContacts(
      writerDb,
      accountId,
      Array.from({ length: 400 }, (_, i) =>
        newContact({ name: `initial ${i}`, updatedAt: base + Math.floor(i / 20) }),
      ),
      'US',
    );
  });
  afterAll(async () => {
    await writerDb.destroy();
    await t.close();
  });

  it('syncs, interrupted and resumed from its checkpoint while another writer churns, and ends with every latest version', async () => {
    /** The Talkdesk side: id → the latest contact received, and the stored checkpoint. */
    const talkdesk = new Map<string, { name: string }>();
    let checkpoint: string | undefined;
    const rng = seededRandom(7);

    /** One sync run; stops following next_offset after `maxPages` (an interruption). */
    async function run(maxPages: number): Promise<boolean> {
      let offset: string | undefined;
      let context: unknown = null;
      for (let pages = 0; pages < maxPages; pages++) {
        const res = await t.post('/contacts/sync', {
          auth: AUTH,
          meta: { synchronization_checkpoint: checkpoint ?? null, offset: offset ?? null, context },
        });
        expect(res.status).toBe(200);
        for (const contact of res.body.contacts) talkdesk.set(contact.id, contact);
        // Talkdesk keeps the checkpoint of every page it received.
        if (res.body.synchronization_checkpoint) checkpoint = res.body.synchronization_checkpoint;
        if (!res.body.next_offset) return true;
        offset = res.body.next_offset;
        context = res.body.context;
      }
      return false;
    }

    const writer = startWriter(writerDb, accountId);
    let interrupted = 0;
    let completed = 0;
    let rounds = 0;
    // The churn is real: runs go on until at least 25 rounds ran, the writer wrote more than 100
    // times meanwhile and runs were both cut off and finished, however fast each side goes on a
    // busy machine (bounded, in case the writer stalls).
    const churned = () => rounds >= 25 && writer.writes > 100 && interrupted >= 3 && completed >= 3;
    try {
      for (; !churned() && rounds < MAX_ROUNDS; rounds++) {
        // Every other run is cut off after a few pages and resumed from the checkpoint.
        const finished = await run(rounds % 2 === 0 ? 2 + Math.floor(rng() * 6) : 1000);
        if (finished) completed++;
        else interrupted++;
      }
    } finally {
      await writer.stop();
    }
    console.log(`sync churn: ${rounds} rounds, ${writer.writes} writes meanwhile`);
    expect(writer.writes).toBeGreaterThan(100);
    expect(interrupted).toBeGreaterThanOrEqual(3);
    expect(completed).toBeGreaterThanOrEqual(3);

    // The writer has stopped: a final incremental sync brings Talkdesk up to date.
    expect(await run(10_000)).toBe(true);

    const truth = await writerDb
      .selectFrom('contacts')
      .select(['id', 'name'])
      .where('account_id', '=', accountId)
      .execute();
    expect(truth.length).toBeGreaterThan(400);
    const stale = truth.filter((row) => talkdesk.get(String(row.id))?.name !== row.name);
    expect(stale).toEqual([]);
    expect(talkdesk.size).toBe(truth.length);
  }, 300_000);
});
