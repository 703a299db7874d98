import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SQLITE_FILE_NAME } from '../src/connectors/sql/database';
import { createAccount, insertContacts } from '../src/connectors/sql/sql-writer';
import { contactCorpus } from './support/contact-corpus';
import { syncContacts } from './support/talkdesk';
import { startTestApp, TestApp, useTestApp } from './support/test-app';
import { credentialsOf, FakeHelpdesk, HelpdeskContact } from './support/upstreams/fake-helpdesk';

/**
 * The contacts a full sync sends, byte for byte, over a large generated corpus (messy and
 * duplicate phones, emails differing in case, blank values, every field, text JSON must escape),
 * through the SQL connector (its built-in demo adapter and the SQL manifest of the same tables) and
 * through the REST connector (connectors/helpdesk.yaml). What is
 * compared is a fingerprint of the output: a sha256 over every contact as the response carried it,
 * and one per chunk of CHUNK contacts, committed in test/golden/contact-sync-output.json. Faster
 * code must send exactly what the code that wrote the golden sent.
 *
 * When it fails: run the spec with CONTACT_OUTPUT_DIR=<dir> on the commit before the change and
 * on the change, and diff the files it writes there (one contact per line). After a change that
 * is meant to alter the output, CONTACT_OUTPUT_UPDATE=1 writes the golden again; say why in the
 * commit.
 */

const GOLDEN = join(__dirname, 'golden', 'contact-sync-output.json');
const CHUNK = 1000;
const SQL_CONTACTS = 20_000;
const REST_CONTACTS = 10_000;

interface Fingerprint {
  contacts: number;
  sha256: string;
  chunks: string[];
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

function fingerprint(lines: string[]): Fingerprint {
  const chunks: string[] = [];
  for (let i = 0; i < lines.length; i += CHUNK) {
    chunks.push(sha(lines.slice(i, i + CHUNK).join('\n')).slice(0, 16));
  }
  return { contacts: lines.length, sha256: sha(lines.join('\n')), chunks };
}

const goldens = (): Record<string, Fingerprint> =>
  JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, Fingerprint>;

/** Compares with the committed fingerprint, naming the chunks (contact ranges) that differ. */
function expectGolden(name: string, lines: string[]): void {
  const actual = fingerprint(lines);
  const dir = process.env.CONTACT_OUTPUT_DIR;
  if (dir) writeFileSync(join(dir, `contact-sync-output.${name}.jsonl`), lines.join('\n') + '\n');
  if (process.env.CONTACT_OUTPUT_UPDATE === '1') {
    writeFileSync(GOLDEN, JSON.stringify({ ...goldens(), [name]: actual }, null, 2) + '\n');
    return;
  }
  const expected = goldens()[name];
  const differing = expected.chunks
    .map((hash, i) => (hash === actual.chunks[i] ? null : `${i * CHUNK}–${(i + 1) * CHUNK - 1}`))
    .filter((range) => range !== null);
  expect({ contacts: actual.contacts, differingContacts: differing }).toEqual({
    contacts: expected.contacts,
    differingContacts: [],
  });
  expect(actual.sha256).toBe(expected.sha256);
}

/**
 * The contacts of every page of a run, each as the bytes the response carried: the payload must
 * begin with the contacts array exactly as JSON.stringify writes the parsed contacts, so the
 * parsed contacts stand for the bytes.
 */
function contactsAsSent(pages: { payload: string; body: any }[]): any[] {
  const contacts: any[] = [];
  for (const page of pages) {
    const prefix = `{"contacts":${JSON.stringify(page.body.contacts)},`;
    expect(page.payload.slice(0, prefix.length)).toBe(prefix);
    contacts.push(...(page.body.contacts as any[]));
  }
  return contacts;
}

describe('contact sync output over a generated corpus (byte for byte)', () => {
  describe('SQL connector', () => {
    const t = useTestApp({ contactsPageSize: 500 });
    const auth = { username: 'corpus@example.com', password: 'corpus-password' };
    /** The corpus index of each inserted row id. */
    const indexOf = new Map<string, number>();

    beforeAll(async () => {
      const accountId = await createAccount(t.db(), auth.username, auth.password, 'Corpus');
      const corpus = contactCorpus(SQL_CONTACTS);
      for (let i = 0; i < corpus.length; i += 2000) {
        const ids = await insertContacts(t.db(), accountId, corpus.slice(i, i + 2000), 'US');
        ids.forEach((id, k) => indexOf.set(String(id), i + k));
      }
    });

    /** A full sync through `app`, each contact's row id written as its corpus index. */
    async function corpusLines(app: TestApp): Promise<string[]> {
      const run = await syncContacts(app, auth, undefined, { maxPages: 100 });
      const contacts = contactsAsSent(run.pages);
      expect(contacts).toHaveLength(SQL_CONTACTS);
      // Row ids depend on what else the database holds: each is written as its corpus index.
      return contacts.map((c) => {
        const index = indexOf.get(c.id);
        expect(index).toBeDefined();
        expect(c.url).toBe(`${t.config.recordUrlBase}/contacts/${c.id}`);
        return JSON.stringify({ ...c, id: `#${index}`, url: `#${index}` });
      });
    }

    it('sends every contact of a full sync as the golden says', async () => {
      expectGolden('sql', await corpusLines(t));
    });

    it('sends the same through the SQL manifest of the demo tables (connectors/sql/bridge-demo.yaml)', async () => {
      const mapped = await startTestApp(
        {
          contactsPageSize: 500,
          connectorManifest: 'connectors/sql/bridge-demo.yaml',
          databaseUrl: t.database.url ?? `sqlite:${join(t.dataDir, SQLITE_FILE_NAME)}`,
        },
        { shareDatabaseWith: t },
      );
      try {
        expectGolden('sql', await corpusLines(mapped));
      } finally {
        await mapped.close();
      }
    });
  });

  describe('REST connector (connectors/helpdesk.yaml)', () => {
    let helpdesk: FakeHelpdesk;
    let t: TestApp;

    beforeAll(async () => {
      helpdesk = new FakeHelpdesk({ contacts: 0 });
      // The corpus as the help desk holds it: its first email and phone in their own fields.
      helpdesk.accounts[0].contacts.push(
        ...contactCorpus(REST_CONTACTS, 12).map((c, i): HelpdeskContact => ({
          id: 5000 + i,
          name: c.name ?? '',
          email: c.emails[0] ?? null,
          secondary_emails: c.emails.slice(1),
          phone: c.phones[0] ?? null,
          organization: c.company === null ? null : { name: c.company },
          job_title: c.title,
          twitter: c.twitter,
          tier: (c.customFields[0]?.value ?? null) as string | null,
          updated_ms: c.updatedAt,
        })),
      );
      await helpdesk.start();
      t = await startTestApp({
        connector: 'rest',
        connectorManifest: 'connectors/helpdesk.yaml',
        connectorBaseUrl: helpdesk.baseUrl,
        contactsPageSize: 500,
      });
    });
    afterAll(async () => {
      await t?.close();
      await helpdesk?.stop();
    });

    it('sends every contact of a full sync as the golden says', async () => {
      const run = await syncContacts(t, credentialsOf(0), undefined, { maxPages: 100 });
      const contacts = contactsAsSent(run.pages);
      expect(contacts).toHaveLength(REST_CONTACTS);
      expectGolden(
        'rest',
        contacts.map((c) => JSON.stringify(c)),
      );
    });
  });
});
