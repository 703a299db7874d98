import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import {
  SQL_MANIFEST_SCHEMA_FILE,
  SQL_SCHEMA_MODELINE,
  sqlManifestSchemaJson,
} from './sql-manifest-json-schema';

const ROOT = join(__dirname, '../../../..');
const EXAMPLES = join(ROOT, 'connectors/sql');
const examples = readdirSync(EXAMPLES).filter((f) => /\.ya?ml$/.test(f));

describe('the SQL manifest JSON Schema for editors', () => {
  it('is the committed file (npm run manifest:docs regenerates it)', () => {
    expect(readFileSync(join(ROOT, SQL_MANIFEST_SCHEMA_FILE), 'utf8')).toBe(
      sqlManifestSchemaJson(),
    );
  });

  it.each(examples)('%s names it on its first line and is valid against it', (file) => {
    const text = readFileSync(join(EXAMPLES, file), 'utf8');
    expect(text.split('\n')[0]).toBe(SQL_SCHEMA_MODELINE);
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(sqlManifestSchemaJson()));
    expect(validate(parse(text))).toBe(true);
  });
});
