import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import {
  formattedManifestReference,
  MANIFEST_REFERENCE_FILE,
  withReference,
} from '../connectors/rest/manifest/manifest-docs';
import {
  MANIFEST_SCHEMA_FILE,
  manifestSchemaJson,
} from '../connectors/rest/manifest/manifest-json-schema';
import {
  referenceIn,
  SQL_REFERENCE_FILE,
  sqlManifestReference,
  unpadded,
  withSqlReference,
} from '../connectors/sql/manifest/sql-manifest-docs';
import {
  SQL_MANIFEST_SCHEMA_FILE,
  sqlManifestSchemaJson,
} from '../connectors/sql/manifest/sql-manifest-json-schema';

/** Writes `file` when its text differs from `text`, and says what it did. */
function update(file: string, current: string, text: string, what: string): void {
  if (current === text) {
    console.log(`${file}: the ${what} is up to date`);
    return;
  }
  writeFileSync(file, text);
  console.log(`${file}: ${what} regenerated`);
}

const readOr = (file: string, fallback: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
};

/**
 * Writes what is generated from the manifest schema: the manifest reference in
 * docs/manifest-reference.md, and the JSON Schema files editors read (connectors/manifest.schema.json,
 * connectors/sql/sql-manifest.schema.json).
 */
async function main(): Promise<void> {
  const markdown = readFileSync(MANIFEST_REFERENCE_FILE, 'utf8');
  update(
    MANIFEST_REFERENCE_FILE,
    markdown,
    withReference(markdown, formattedManifestReference()),
    'manifest reference',
  );
  update(
    MANIFEST_SCHEMA_FILE,
    readOr(MANIFEST_SCHEMA_FILE, ''),
    manifestSchemaJson(),
    'JSON Schema',
  );
  update(
    SQL_MANIFEST_SCHEMA_FILE,
    readOr(SQL_MANIFEST_SCHEMA_FILE, ''),
    sqlManifestSchemaJson(),
    'SQL manifest JSON Schema',
  );
  const sqlDocs = readFileSync(SQL_REFERENCE_FILE, 'utf8');
  const next = withSqlReference(sqlDocs, sqlManifestReference());
  if (unpadded(referenceIn(next)) === unpadded(referenceIn(sqlDocs))) {
    console.log(`${SQL_REFERENCE_FILE}: the SQL manifest reference is up to date`);
  } else {
    writeFileSync(SQL_REFERENCE_FILE, next);
    // Aligned as the rest of the docs are.
    spawnSync(process.execPath, [
      'node_modules/prettier/bin/prettier.cjs',
      '--write',
      SQL_REFERENCE_FILE,
    ]);
    console.log(`${SQL_REFERENCE_FILE}: SQL manifest reference regenerated`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
