import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError } from '../../../common/config-error';
import { CompiledManifest } from './compiled';
import { LoadManifestOptions, ManifestCompiler } from './manifest-compiler';
import { Manifest } from './manifest.types';
import { describeSchemaErrors, validate } from './schema-errors';

export type { LoadManifestOptions } from './manifest-compiler';
export { ROOTS } from './parts-compiler';
export { describeSchemaErrors } from './schema-errors';

/** A manifest that cannot be used; the message lists every mistake with its path. */
export class ManifestError extends ConfigError {}

/** Reads, validates and compiles a manifest file (YAML or JSON); throws ManifestError. */
export function loadManifest(file: string, options: LoadManifestOptions = {}): CompiledManifest {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ManifestError(
      `The connector manifest ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return compileManifestText(text, file, options);
}

/** Parses manifest text (YAML, of which JSON is a subset) and compiles it. */
export function compileManifestText(
  text: string,
  file: string,
  options: LoadManifestOptions = {},
): CompiledManifest {
  let document: unknown;
  if (extname(file).toLowerCase() === '.json') {
    try {
      document = JSON.parse(text);
    } catch (error) {
      throw new ManifestError(
        `The connector manifest ${file} is not JSON: ${(error as Error).message}`,
      );
    }
  } else {
    const parsed = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
    if (parsed.errors.length > 0) {
      throw new ManifestError(
        `The connector manifest ${file} is not valid YAML:\n${parsed.errors.map((e) => `  - ${e.message}`).join('\n')}`,
      );
    }
    document = parsed.toJS({ maxAliasCount: 100 });
  }
  return compileManifest(document, file, options);
}

/** Validates a parsed manifest against the schema, then compiles it; throws ManifestError. */
export function compileManifest(
  document: unknown,
  file: string,
  options: LoadManifestOptions = {},
): CompiledManifest {
  const schemaErrors = describeSchemaErrors(validate(document));
  if (schemaErrors.length > 0) throw manifestError(file, schemaErrors);
  const compiler = new ManifestCompiler(document as Manifest);
  const compiled = compiler.compile(file, options);
  if (compiler.errors.length > 0) throw manifestError(file, compiler.errors);
  return compiled;
}

function manifestError(file: string, mistakes: string[]): ManifestError {
  return new ManifestError(
    `The connector manifest ${file} has ${mistakes.length} mistake${mistakes.length === 1 ? '' : 's'}:\n${mistakes.map((m) => `  - ${m}`).join('\n')}`,
  );
}
