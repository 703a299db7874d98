import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Hex } from '../src/connectors/sql/mapped/credentials/stored-hashes';
import { startTestApp, TestApp } from './support/test-app';
import { TEST_DATABASE } from './support/test-database';
import { createUserDatabase, UserDatabase } from './support/user-schemas/user-database';

/**
 * The `last_digits` phone form over a database that keeps numbers as people typed them, on
 * TEST_DATABASE: the column's digits, punctuation dropped, must end with the caller's last
 * digits (a suffix, never a number found inside another one), with too few digits never tried.
 */

const TOKEN = 'phones-token-0c41';
const PEOPLE = [
  { id: 1, name: 'Punctuated', phone: '(212) 555-1000' },
  { id: 2, name: 'Dotted', phone: '+1 212.555.1099' },
  { id: 3, name: 'Slashed', phone: '0212/555 1777' },
  // 7771234 is inside this number, not at its end.
  { id: 4, name: 'Extension', phone: '(313) 777-1234 5' },
  // Wildcards typed into the column are text, not patterns.
  { id: 5, name: 'Wild', phone: '%_%' },
];

describe(`SQL manifest: the last_digits phone form (${TEST_DATABASE})`, () => {
  let user: UserDatabase;
  let t: TestApp;
  const dir = mkdtempSync(join(tmpdir(), 'sql-phones-'));

  beforeAll(async () => {
    user = await createUserDatabase();
    await user.db.schema
      .createTable('people')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('full_name', 'varchar(80)')
      .addColumn('phone', 'varchar(40)')
      .addColumn('changed_ms', 'bigint')
      .execute();
    await user.db.schema
      .createTable('calls')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('person_id', 'integer')
      .addColumn('subject', 'varchar(80)')
      .addColumn('at_ms', 'bigint')
      .execute();
    const at = Date.UTC(2025, 0, 2);
    await user.db
      .insertInto('people')
      .values(PEOPLE.map((p) => ({ id: p.id, full_name: p.name, phone: p.phone, changed_ms: at })))
      .execute();
    await user.db
      .insertInto('calls')
      .values(PEOPLE.map((p) => ({ id: p.id, person_id: p.id, subject: p.name, at_ms: at })))
      .execute();
    const hashes = join(dir, 'token-hashes');
    writeFileSync(hashes, `${sha256Hex(TOKEN)}\n`);
    const manifest = join(dir, 'phones.yaml');
    writeFileSync(
      manifest,
      [
        'version: 1',
        'name: phones',
        `credentials: { type: static_tokens, field: api_token, hashes_file: ${JSON.stringify(hashes)} }`,
        'contacts:',
        '  table: people',
        '  id: { column: id, type: integer }',
        '  updated_at: { column: changed_ms, type: epoch_ms }',
        '  fields: { name: full_name, phones: phone }',
        'interactions:',
        '  lookup: { phone_columns: [phone], phone_forms: [e164, last_digits] }',
        '  streams:',
        '    - table: calls',
        '      types: [call]',
        '      contact_column: person_id',
        '      id: id',
        '      date: { column: at_ms, type: epoch_ms }',
        '      fields: { subject: subject }',
      ].join('\n'),
    );
    t = await startTestApp({
      connector: 'sql',
      connectorManifest: manifest,
      databaseUrl: user.url,
      authFailureLimit: 10_000,
    });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await user?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const whoHas = async (phone: string): Promise<string[]> => {
    const res = await t.post('/interactions/retrieve', {
      auth: { api_token: TOKEN },
      meta: { interaction_types: ['call'] },
      data: { contact_phones: [phone] },
    });
    expect(res.status).toBe(200);
    return res.body.map((i: { subject: string }) => i.subject);
  };

  it('finds a number typed with spaces, dots, dashes, slashes and parentheses by its last digits', async () => {
    expect(await whoHas('+12125551000')).toEqual(['Punctuated']);
    expect(await whoHas('+1 (212) 555-1099')).toEqual(['Dotted']);
    // Another country code, the same last seven digits.
    expect(await whoHas('+49 212 5551777')).toEqual(['Slashed']);
  });

  it('matches the end of the number only, never digits inside it', async () => {
    expect(await whoHas('+13137771234')).toEqual([]);
    expect(await whoHas('+17771234')).toEqual([]);
  });

  it('does not try fewer digits than last_digits, and wildcards are never patterns', async () => {
    // Its last digits are those of 212 555-1000, but six digits are fewer than seven.
    expect(await whoHas('551000')).toEqual([]);
    for (const hostile of ['%', '_', '%%%%%%%', '%_%', '%1000', "1000' OR '1'='1"]) {
      expect({ hostile, found: await whoHas(hostile) }).toEqual({
        hostile,
        // Only the exact text typed into a column is found by equality.
        found: hostile === '%_%' ? ['Wild'] : [],
      });
    }
  });
});
