import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let version: string | undefined;

/**
 * The bridge's version, as package.json states it (read once). The file sits two levels above
 * this one both in the sources (src/common) and in the build (dist/common).
 */
export function packageVersion(): string {
  version ??= (
    JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  return version;
}
