import { readFileSync, writeFileSync } from 'node:fs';
import {
  formattedManifestReference,
  MANIFEST_REFERENCE_FILE,
  withReference,
} from '../connectors/rest/manifest/manifest-docs';

/** Writes the manifest reference, generated from the manifest schema, into docs/manifest-reference.md. */
async function main(): Promise<void> {
  const markdown = readFileSync(MANIFEST_REFERENCE_FILE, 'utf8');
  const updated = withReference(markdown, formattedManifestReference());
  if (updated === markdown) {
    console.log(`${MANIFEST_REFERENCE_FILE}: the manifest reference is up to date`);
    return;
  }
  writeFileSync(MANIFEST_REFERENCE_FILE, updated);
  console.log(`${MANIFEST_REFERENCE_FILE}: manifest reference regenerated`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
