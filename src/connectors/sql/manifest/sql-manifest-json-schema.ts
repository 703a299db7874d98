import { z } from 'zod';
import { SQL_MANIFEST } from './sql-manifest.schema';

/**
 * The SQL manifest's JSON Schema, beside the examples, for editors: a manifest whose first line
 * is `# yaml-language-server: $schema=./sql-manifest.schema.json` gets its keys completed,
 * described and checked as it is written. Generated from SQL_MANIFEST by `npm run
 * manifest:docs`; a test fails when the file is stale.
 */
export const SQL_MANIFEST_SCHEMA_FILE = 'connectors/sql/sql-manifest.schema.json';

export const SQL_SCHEMA_MODELINE = '# yaml-language-server: $schema=./sql-manifest.schema.json';

export function sqlManifestSchemaJson(): string {
  const { $schema, ...rest } = z.toJSONSchema(SQL_MANIFEST, {
    io: 'input',
    unrepresentable: 'any',
  });
  const schema = {
    $schema,
    $comment:
      'Generated from src/connectors/sql/manifest/sql-manifest.schema.ts by `npm run manifest:docs`: do not edit by hand.',
    title: 'SQL connector manifest',
    ...rest,
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
