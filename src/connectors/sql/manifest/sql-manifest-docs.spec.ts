import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  referenceIn,
  SQL_REFERENCE_FILE,
  sqlManifestReference,
  unpadded,
} from './sql-manifest-docs';

describe('the SQL manifest reference in docs/sql-connector.md', () => {
  const reference = sqlManifestReference();

  it('is generated from the schema (npm run manifest:docs regenerates it)', () => {
    const markdown = readFileSync(join(__dirname, '../../../..', SQL_REFERENCE_FILE), 'utf8');
    expect(unpadded(referenceIn(markdown))).toBe(unpadded(reference));
  });

  it('lists every key with its type and default, nested keys by their path', () => {
    expect(reference).toContain('| `contacts.id.type` | `integer`, `text`, `uuid` | `"integer"` |');
    expect(reference).toContain('| `contacts.fields.phones` | value or list of value |');
    expect(reference).toMatch(/\| `credentials \(type: static_tokens\)\.hashes_env` \| text \|/);
    expect(reference).toMatch(/\| `actions\[\]\.insert\.returning` \| text \| required \|/);
  });
});
