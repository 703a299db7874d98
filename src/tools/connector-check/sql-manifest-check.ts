import { toTalkdeskContact } from '../../contacts/contact-normalizer';
import type { AuthFields } from '../../connectors/ports';
import { loadSqlManifest, SqlManifestError } from '../../connectors/sql/manifest/load-sql-manifest';
import { columnWarnings } from '../../connectors/sql/mapped/column-types';
import { explainKeysetQuery } from '../../connectors/sql/mapped/keyset-plan';
import { idColumnsOf } from '../../connectors/sql/mapped/row-key';
import { MappedSql } from '../../connectors/sql/mapped/mapped-sql';
import { DEFAULT_RECORD_URL_BASE } from '../../connectors/sql/sql-settings';

export interface SqlCheckOptions {
  manifest: string;
  /** DATABASE_URL; without it nothing is connected to. */
  databaseUrl?: string;
  auth?: AuthFields;
  show: number;
  defaultPhoneRegion: string;
  /** RECORD_URL_BASE, for `{{ settings.record_url_base }}`. */
  recordUrlBase?: string;
  timeoutMs: number;
}

type Out = (line: string) => void;

/**
 * `npm run connector:check` for an SQL manifest: validates it (every mistake with its path),
 * and given DATABASE_URL connects read-only, prints the plan of the contacts' keyset query with
 * a warning naming the index to create when the database would scan or sort, and given `--auth`
 * checks the credentials and prints the first contacts as Talkdesk receives them.
 */
export async function runSqlManifestCheck(options: SqlCheckOptions, out: Out): Promise<number> {
  let manifest;
  try {
    manifest = loadSqlManifest(options.manifest);
  } catch (error) {
    if (error instanceof SqlManifestError) {
      out(error.message);
      return 1;
    }
    throw error;
  }
  const m = manifest;
  out(`Manifest ${options.manifest} is valid: connector sql:${m.name}`);
  out(
    `  credentials: ${m.credentials.type}${m.credentials.type === 'table' ? ` (${m.credentials.table ?? 'query'}, ${m.credentials.secret.algorithm})` : ''}; fields: ${m.authenticationFields.map((f) => f.field_name).join(', ')}`,
  );
  out(
    `  contacts: ${m.contacts.table ?? 'query'}, keyset on (${[m.contacts.updated_at, ...idColumnsOf(m.contacts.id)].map((c) => c.column).join(', ')}); agents: ${m.agents ? 'yes' : 'no'}; interactions: ${[...new Set(m.interactions?.streams.flatMap((s) => s.types) ?? [])].join(', ') || 'no'}; actions: ${m.actions.map((a) => a.name).join(', ') || 'none'}; ${m.readOnly ? 'read-only' : 'read-write'}`,
  );
  if (!options.databaseUrl) {
    out('No DATABASE_URL (or DATABASE_URL_FILE) given: the database was not reached.');
    return 0;
  }
  // The check only reads: read-only whatever the manifest's actions.
  const mapped = await MappedSql.open(manifest, {
    databaseUrl: options.databaseUrl,
    defaultPhoneRegion: options.defaultPhoneRegion,
    recordUrlBase: options.recordUrlBase ?? DEFAULT_RECORD_URL_BASE,
    readOnly: true,
    statementTimeoutMs: options.timeoutMs,
    poolMax: 2,
    poolIdleMs: 1000,
    connectTimeoutMs: Math.min(options.timeoutMs, 10_000),
  });
  let code = 0;
  try {
    let tenant: string | number | null = m.contacts.tenant_column ? '(any tenant)' : null;
    if (options.auth) {
      out('== credentials');
      const result = await mapped.credentials.check(options.auth);
      if (!result) {
        out('  rejected: no such identity, or the secret does not match');
        return 1;
      }
      tenant = result.tenant;
      out(`  accepted: tenant ${JSON.stringify(tenant)}`);
    }
    out('== contacts keyset query plan');
    const plan = await explainKeysetQuery(mapped.client, mapped.contacts, tenant);
    for (const line of plan.lines) out(`  ${line}`);
    for (const warning of plan.warnings) out(`  warning: ${warning}`);
    if (plan.warnings.length === 0) out('  reads an index in order: no scan, no sort');
    for (const warning of await columnWarnings(mapped.client, mapped.manifest.contacts)) {
      out(`  warning: ${warning}`);
    }
    if (options.auth) {
      out('== contacts');
      const batch = await mapped.contacts.list(tenant, {
        changedUntil: Date.now(),
        limit: options.show,
      });
      for (const record of batch.records) {
        out(
          `  as Talkdesk receives it: ${JSON.stringify(toTalkdeskContact(record, options.defaultPhoneRegion))}`,
        );
      }
      out(`  ${batch.records.length} contact(s) shown${batch.hasMore ? ', more follow' : ''}`);
    }
  } catch (error) {
    out(`  error: ${error instanceof Error ? error.message : String(error)}`);
    code = 1;
  } finally {
    await mapped.client.close();
  }
  return code;
}
