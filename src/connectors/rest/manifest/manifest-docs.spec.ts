import { readFileSync } from 'node:fs';
import { DOCS_END, DOCS_START, formattedManifestReference, withReference } from './manifest-docs';

describe('the README’s manifest reference', () => {
  it('is the one generated from the manifest schema (run `npm run manifest:docs` after changing it)', async () => {
    const readme = readFileSync('README.md', 'utf8');
    const reference = formattedManifestReference();
    expect(
      readme.slice(readme.indexOf(DOCS_START), readme.indexOf(DOCS_END) + DOCS_END.length),
    ).toBe(reference);
    expect(withReference(readme, reference)).toBe(readme);
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
