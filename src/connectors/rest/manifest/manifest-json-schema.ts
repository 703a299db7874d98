import { MANIFEST_SCHEMA } from './manifest.schema';

/**
 * The manifest's JSON Schema as a file beside the example manifests, for editors: a manifest
 * whose first lines hold `# yaml-language-server: $schema=./manifest.schema.json` gets its keys
 * completed, described and checked as it is written (VS Code's YAML extension, and any editor on
 * yaml-language-server). Generated from MANIFEST_SCHEMA by `npm run manifest:docs`; a test fails
 * when the file is stale.
 */
export const MANIFEST_SCHEMA_FILE = 'connectors/manifest.schema.json';

/** The line that ties a manifest in connectors/ to the schema file. */
export const SCHEMA_MODELINE = '# yaml-language-server: $schema=./manifest.schema.json';

export function manifestSchemaJson(): string {
  const { $schema, ...rest } = MANIFEST_SCHEMA;
  const schema = {
    $schema,
    $comment:
      'Generated from src/connectors/rest/manifest/manifest.schema.ts by `npm run manifest:docs`: do not edit by hand.',
    ...rest,
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
