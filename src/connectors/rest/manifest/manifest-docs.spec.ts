import { readFileSync } from 'node:fs';
import {
  DOCS_END,
  DOCS_START,
  formattedManifestReference,
  MANIFEST_REFERENCE_FILE,
  withReference,
} from './manifest-docs';

describe('the manifest reference in docs/manifest-reference.md', () => {
  it('is the one generated from the manifest schema (run `npm run manifest:docs` after changing it)', async () => {
    const markdown = readFileSync(MANIFEST_REFERENCE_FILE, 'utf8');
    const reference = formattedManifestReference();
    expect(
      markdown.slice(markdown.indexOf(DOCS_START), markdown.indexOf(DOCS_END) + DOCS_END.length),
    ).toBe(reference);
    expect(withReference(markdown, reference)).toBe(markdown);
  });

  it('documents every key of every definition', async () => {
    const reference = formattedManifestReference();
    for (const key of [
      '`cursor_path`',
      '`last_page_path`',
      '`fields_to_store`',
      '`token_path`',
      '`requires`',
    ]) {
      expect(reference).toContain(key);
    }
  });
});
