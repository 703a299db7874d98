import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createApp } from '../bootstrap';
import { loadConfig } from '../config/app-config';
import { buildOpenApiDocument } from '../openapi/openapi-document';

export const OPENAPI_FILE = resolve(__dirname, '../../openapi/openapi.json');

/** The spec as committed: generated from the code, keys sorted, independent of the environment. */
export async function generateOpenApiJson(): Promise<string> {
  const app = await createApp(
    loadConfig(
      {},
      {
        databaseUrl: 'sqlite::memory:',
        seedDemo: false,
        logLevel: 'silent',
        // Signs nothing: given, so that no secret is generated in DATA_DIR.
        tokenSecret: randomBytes(32).toString('hex'),
      },
    ),
  );
  try {
    return `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

if (require.main === module) {
  generateOpenApiJson()
    .then((json) => {
      writeFileSync(OPENAPI_FILE, json);
      console.log(`Wrote ${OPENAPI_FILE}`);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
