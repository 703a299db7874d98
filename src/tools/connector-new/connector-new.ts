import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { ManifestSchema } from '../../connectors/rest/manifest/manifest.schema';
import { manifestSkeleton } from './manifest-skeleton';

/** Why a scaffold was not written: the message says what to do; `usage` errors exit 2. */
export class ScaffoldError extends Error {
  constructor(
    message: string,
    readonly usage = false,
  ) {
    super(message);
  }
}

export interface ScaffoldOptions {
  name: string;
  /** The file to write; `connectors/<name>.yaml` under `root` when not given. */
  out?: string;
  /** The project folder: where connectors/ and its manifest.schema.json are. */
  root: string;
}

/** The rules of a manifest's `name`, from the manifest schema itself. */
const NAME = ManifestSchema.properties.name as unknown as { pattern: string; maxLength: number };

/** Refuses a name the manifest schema would refuse, saying what a name may be. */
export function checkName(name: string): void {
  if (name.length > NAME.maxLength || !new RegExp(NAME.pattern).test(name)) {
    throw new ScaffoldError(
      `"${name}" cannot name a connector: use lower-case letters, digits, "-" and "_", starting with a letter or digit, at most ${NAME.maxLength} characters (e.g. acme-crm)`,
      true,
    );
  }
}

/**
 * Writes a commented manifest skeleton for `name` (never over an existing file) and answers the
 * file written. Its first line points editors at connectors/manifest.schema.json.
 */
export function scaffoldManifest(options: ScaffoldOptions): string {
  checkName(options.name);
  const file = resolve(options.root, options.out ?? `connectors/${options.name}.yaml`);
  const schema = relative(dirname(file), resolve(options.root, 'connectors/manifest.schema.json'));
  const schemaPath = schema.startsWith('.') ? schema : `.${sep}${schema}`;
  mkdirSync(dirname(file), { recursive: true });
  try {
    writeFileSync(file, manifestSkeleton(options.name, schemaPath.split(sep).join('/')), {
      flag: 'wx',
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ScaffoldError(
      code === 'EEXIST'
        ? `${relative(options.root, file) || file} exists already: nothing was written (choose another name, or --out another file)`
        : `${file} cannot be written: ${code ?? (error as Error).message}`,
    );
  }
  return file;
}
