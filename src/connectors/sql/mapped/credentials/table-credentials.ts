import { sql } from 'kysely';
import type { AuthFields } from '../../../ports';
import type { LoadedSqlManifest } from '../../manifest/load-sql-manifest';
import type { SqlClient } from '../sql-client';
import { selectFrom } from '../source-query';
import { decoyHash, sha256Hex, verifyStoredHash } from './stored-hashes';

type TableSpec = Extract<LoadedSqlManifest['credentials'], { type: 'table' }>;

/** Who the credentials name, and the tenant key they yield; undefined: rejected. */
export interface CredentialsResult {
  tenant: string | number | null;
}

export function normalizeIdentity(value: string, how: 'none' | 'trim' | 'lower'): string {
  return how === 'none' ? value : how === 'trim' ? value.trim() : value.trim().toLowerCase();
}

/**
 * Credentials checked against the user's own users or API-key table: the row of the identity
 * (or, for a table of API keys, the row of the key's SHA-256), its stored hash verified with the
 * algorithm's library, its tenant column the account key. An unknown identity costs the same
 * hash as a known one.
 */
export class TableCredentials {
  private decoy?: Promise<string>;

  constructor(
    private readonly client: SqlClient,
    private readonly spec: TableSpec,
  ) {}

  identityOf(auth: AuthFields): string | undefined {
    const identity = this.spec.identity;
    if (!identity) return undefined;
    const value = auth[identity.field];
    return typeof value === 'string' ? normalizeIdentity(value, identity.normalize) : undefined;
  }

  /**
   * Makes the hash unknown identities are checked against, with the cost parameters of one of
   * the table's own hashes (any row: every tenant's), so that both cost the same.
   */
  async prepare(): Promise<void> {
    const sample = selectFrom(
      this.client,
      { ...this.spec, tenant_column: undefined },
      [this.spec.secret.column],
      undefined,
    )
      .where(sql.ref(this.spec.secret.column), 'is not', null)
      .limit(1)
      .compile();
    const rows = await this.client.all(sample).catch(() => []);
    const stored = typeof rows[0]?.[0] === 'string' ? rows[0][0] : undefined;
    this.decoy = decoyHash(this.spec.secret.algorithm, stored);
    await this.decoy;
  }

  private decoyHash(): Promise<string> {
    this.decoy ??= decoyHash(this.spec.secret.algorithm);
    return this.decoy;
  }

  async check(auth: AuthFields): Promise<CredentialsResult | undefined> {
    const { identity, secret, tenant_column: tenantColumn } = this.spec;
    const given = auth[secret.field];
    // A NUL character is in no stored identity or hash (PostgreSQL's text cannot even hold one).
    if (typeof given !== 'string' || given === '' || given.includes('\u0000')) return undefined;
    const columns = [secret.column, ...(tenantColumn ? [tenantColumn] : [])];
    // The tenant column is what the row yields here, not a scope: the tenant is not known yet.
    let select = selectFrom(
      this.client,
      { ...this.spec, tenant_column: undefined },
      columns,
      undefined,
    );
    if (identity) {
      const name = this.identityOf(auth);
      if (name === undefined || name === '' || name.includes('\u0000')) return undefined;
      select = select.where(sql.ref(identity.column), '=', name);
    } else {
      select = select.where(sql.ref(secret.column), '=', sha256Hex(given));
    }
    // Two rows: an identity that names two users is ambiguous, and refused.
    const rows = await this.client.all(select.limit(2).compile());
    const row = rows.length === 1 ? rows[0] : undefined;
    const stored = typeof row?.[0] === 'string' ? row[0] : undefined;
    const matches = await verifyStoredHash(
      secret.algorithm,
      given,
      stored ?? (await this.decoyHash()),
    );
    if (!stored || !matches) return undefined;
    const tenant = row![1];
    return {
      tenant: tenantColumn
        ? typeof tenant === 'number' || typeof tenant === 'string'
          ? tenant
          : String(tenant)
        : null,
    };
  }
}
