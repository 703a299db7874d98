import { readFileSync } from 'node:fs';
import { timingSafeEqual } from 'node:crypto';
import { ConfigError } from '../../../../common/config-error';
import type { AuthFields } from '../../../ports';
import type { LoadedSqlManifest } from '../../manifest/load-sql-manifest';
import type { CredentialsResult } from './table-credentials';
import { sha256Hex } from './stored-hashes';

type StaticSpec = Extract<LoadedSqlManifest['credentials'], { type: 'static_tokens' }>;

interface Entry {
  hash: Buffer;
  tenant: string | null;
}

/** `<sha256 hex>[ <tenant>]` per line or comma; `#` starts a comment. */
export function parseTokenHashes(text: string, origin: string): Entry[] {
  const entries: Entry[] = [];
  for (const raw of text.split(/[\n,]/)) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const [hash, tenant, extra] = line.split(/\s+/);
    if (!/^[0-9a-fA-F]{64}$/.test(hash) || extra !== undefined) {
      throw new ConfigError(
        `${origin}: each entry must be a SHA-256 in hex, optionally followed by a tenant key`,
      );
    }
    entries.push({ hash: Buffer.from(hash.toLowerCase(), 'hex'), tenant: tenant ?? null });
  }
  if (entries.length === 0) throw new ConfigError(`${origin}: holds no token hashes`);
  return entries;
}

/**
 * Static tokens of a single-tenant deployment (or one token per tenant), kept only as their
 * SHA-256, from the environment or a mounted secret file. Every entry is compared, in constant
 * time, whatever matched first.
 */
export class StaticTokens {
  private readonly entries: Entry[];

  constructor(
    private readonly spec: StaticSpec,
    env: Record<string, string | undefined> = process.env,
  ) {
    if (spec.hashes_env) {
      const origin = `credentials.hashes_env (${spec.hashes_env})`;
      const value = env[spec.hashes_env];
      if (!value) throw new ConfigError(`${origin}: the environment variable is not set`);
      this.entries = parseTokenHashes(value, origin);
    } else {
      const origin = `credentials.hashes_file (${spec.hashes_file})`;
      let text: string;
      try {
        text = readFileSync(spec.hashes_file!, 'utf8');
      } catch (error) {
        throw new ConfigError(
          `${origin}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        );
      }
      this.entries = parseTokenHashes(text, origin);
    }
  }

  check(auth: AuthFields): CredentialsResult | undefined {
    const token = auth[this.spec.field];
    if (typeof token !== 'string' || token === '') return undefined;
    const digest = Buffer.from(sha256Hex(token), 'hex');
    let found: Entry | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(digest, entry.hash) && !found) found = entry;
    }
    return found ? { tenant: found.tenant } : undefined;
  }
}
