import { readFileSync, writeFileSync } from 'node:fs';
import {
  formattedManifestReference,
  withReference,
} from '../connectors/rest/manifest/manifest-docs';

/** Writes the manifest reference, generated from the manifest schema, into README.md. */
async function main(): Promise<void> {
  const readme = readFileSync('README.md', 'utf8');
  const updated = withReference(readme, formattedManifestReference());
  if (updated === readme) {
    console.log('README.md: the manifest reference is up to date');
    return;
  }
  writeFileSync('README.md', updated);
  console.log('README.md: manifest reference regenerated');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
