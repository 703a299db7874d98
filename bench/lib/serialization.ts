import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastJsonStringify, { Schema } from 'fast-json-stringify';

export interface SerializationResult {
  bytes: number;
  jsonStringifyMs: number;
  fastJsonStringifyMs: number;
}

/** The spec's schemas with `#/components/schemas/X` refs turned into fast-json-stringify's `X#`. */
function specSchemas(specFile: string): Record<string, Schema> {
  const spec = JSON.parse(readFileSync(specFile, 'utf8')) as {
    components: { schemas: Record<string, object> };
  };
  const rewrite = (schema: object) =>
    JSON.parse(
      JSON.stringify(schema).replace(/"\$ref":"#\/components\/schemas\/(\w+)"/g, '"$ref":"$1#"'),
    ) as Schema;
  return Object.fromEntries(
    Object.entries(spec.components.schemas).map(([name, schema]) => [
      name,
      { ...(rewrite(schema) as object), $id: name } as Schema,
    ]),
  );
}

/**
 * Would a Fastify response schema (fast-json-stringify) serialize a contact page faster than
 * the JSON.stringify the bridge uses? Times both on a real page, alternating, after a warm-up.
 */
export function compareSerializers(
  page: unknown,
  root: string,
  iterations = 300,
): SerializationResult {
  const schemas = specSchemas(join(root, 'openapi/openapi.json'));
  const stringify = fastJsonStringify(schemas.SyncContactsResponse, { schema: schemas });
  const time = (fn: (value: unknown) => string) => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < iterations; i += 1) fn(page);
    return Number(process.hrtime.bigint() - started) / 1e6 / iterations;
  };
  const native = (value: unknown) => JSON.stringify(value);
  time(native);
  time(stringify);
  const nativeMs: number[] = [];
  const fastMs: number[] = [];
  for (let round = 0; round < 3; round += 1) {
    nativeMs.push(time(native));
    fastMs.push(time(stringify));
  }
  return {
    bytes: Buffer.byteLength(JSON.stringify(page)),
    jsonStringifyMs: Math.min(...nativeMs),
    fastJsonStringifyMs: Math.min(...fastMs),
  };
}
