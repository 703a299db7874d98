import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { AccountRef } from '../../ports';
import type { ValueCompileContext } from '../../manifest-common';
import {
  ACTION_ROOTS,
  RECORD_ROOTS,
  SqlManifestError,
  type LoadedSqlManifest,
} from '../manifest/load-sql-manifest';
import { AgentsReader } from './agents-reader';
import { ContactsReader } from './contacts-reader';
import { StaticTokens } from './credentials/static-tokens';
import { TableCredentials } from './credentials/table-credentials';
import { ActionsWriter } from './actions-writer';
import { InteractionsReader } from './interactions-reader';
import { ClientOptions, openSqlClient, SqlClient } from './sql-client';
import { tracedSqlClient } from './traced-sql-client';
import type { UpstreamTracer } from '../../ports/upstream-tracer';

/** An account of a manifest-driven database: the tenant key its credentials yielded, if any. */
export interface TenantAccount extends AccountRef {
  readonly tenant: string | number | null;
}

export function tenantOf(account: AccountRef): string | number | null {
  return (account as TenantAccount).tenant;
}

/** What MappedSql needs besides the manifest. */
export interface MappedSqlOptions extends ClientOptions {
  databaseUrl: string;
  defaultPhoneRegion: string;
  /** RECORD_URL_BASE, which templates read as `{{ settings.record_url_base }}`. */
  recordUrlBase: string;
  /** When tracing is on: every statement a span. */
  tracer?: UpstreamTracer;
}

/**
 * A database the user already has, read as its manifest says: the connection, and one reader
 * or writer per capability, each compiled once from the manifest.
 */
export class MappedSql implements OnModuleInit, OnModuleDestroy {
  readonly credentials: TableCredentials | StaticTokens;
  readonly contacts: ContactsReader;
  readonly agents?: AgentsReader;
  readonly interactions?: InteractionsReader;
  readonly actions: ActionsWriter;

  private constructor(
    readonly manifest: LoadedSqlManifest,
    readonly client: SqlClient,
    options: MappedSqlOptions,
  ) {
    const mistakes: string[] = [];
    const ctx = (roots: readonly string[]): ValueCompileContext => ({
      fail: (where, message) => mistakes.push(`${where}: ${message}`),
      roots,
      expressionTimeoutMs: manifest.limits.expression_timeout_ms,
      scope: { settings: { record_url_base: options.recordUrlBase } },
    });
    const m = manifest;
    this.credentials =
      m.credentials.type === 'table'
        ? new TableCredentials(client, m.credentials)
        : new StaticTokens(m.credentials);
    this.contacts = new ContactsReader(client, m.contacts, ctx(RECORD_ROOTS));
    const agents = m.agents && new AgentsReader(client, m.agents, ctx(RECORD_ROOTS));
    this.agents = agents;
    if (m.interactions) {
      this.interactions = new InteractionsReader(
        client,
        m,
        ctx(RECORD_ROOTS),
        options.defaultPhoneRegion,
      );
    }
    this.actions = new ActionsWriter(client, m.actions, ctx(ACTION_ROOTS), {
      contactKey: (tenant, id) => this.contacts.keyOf(tenant, id),
      ...(agents && { agentExists: (tenant, id) => agents.exists(tenant, id) }),
      region: options.defaultPhoneRegion,
    });
    if (mistakes.length > 0) {
      throw new SqlManifestError(
        `The SQL manifest ${m.file} has ${mistakes.length} mistake${mistakes.length === 1 ? '' : 's'}:\n${mistakes.map((x) => `  - ${x}`).join('\n')}`,
      );
    }
  }

  static async open(manifest: LoadedSqlManifest, options: MappedSqlOptions): Promise<MappedSql> {
    const opened = await openSqlClient(options.databaseUrl, options);
    const client = options.tracer ? tracedSqlClient(opened, options.tracer) : opened;
    try {
      return new MappedSql(manifest, client, options);
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  account(tenant: string | number | null): TenantAccount {
    const key =
      tenant === null
        ? `sql:${this.manifest.name}`
        : `sql:${this.manifest.name}:${typeof tenant}:${tenant}`;
    return { key, tenant };
  }

  async onModuleInit(): Promise<void> {
    if (this.credentials instanceof TableCredentials) await this.credentials.prepare();
  }

  async onModuleDestroy(): Promise<void> {
    await this.client.close();
  }
}
