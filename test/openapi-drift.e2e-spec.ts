import { readFileSync } from 'node:fs';
import { generateOpenApiJson, OPENAPI_FILE } from '../src/bin/export-openapi';

describe('committed OpenAPI spec', () => {
  it('is exactly what the code generates (run `npm run openapi` after changing the API)', async () => {
    const committed = readFileSync(OPENAPI_FILE, 'utf8');
    expect(await generateOpenApiJson()).toBe(committed);
  });
});
