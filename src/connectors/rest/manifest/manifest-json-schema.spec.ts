import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { MANIFEST_SCHEMA_FILE, manifestSchemaJson, SCHEMA_MODELINE } from './manifest-json-schema';

const EXAMPLES = readdirSync('connectors')
  .filter((file) => /\.ya?ml$/.test(file))
  .map((file) => join('connectors', file));

describe('the manifest JSON Schema file (connectors/manifest.schema.json)', () => {
  it('is the one generated from the manifest schema (run `npm run manifest:docs` after changing it)', () => {
    expect(readFileSync(MANIFEST_SCHEMA_FILE, 'utf8')).toBe(manifestSchemaJson());
  });

  it('is a JSON Schema every example manifest conforms to', () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(
      JSON.parse(readFileSync(MANIFEST_SCHEMA_FILE, 'utf8')) as object,
    );
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(4);
    for (const file of EXAMPLES) {
      const valid = validate(parse(readFileSync(file, 'utf8')));
      expect([file, valid, validate.errors ?? null]).toEqual([file, true, null]);
    }
    // And it refuses what the loader refuses: an unknown key.
    expect(
      validate({ version: 1, name: 'x', connection: { base_url: 'https://a' }, extra: 1 }),
    ).toBe(false);
  });

  it.each(EXAMPLES)('%s names it on its first line, for editors', (file) => {
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe(SCHEMA_MODELINE);
  });
});
