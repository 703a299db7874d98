import { readFileSync } from 'node:fs';
import { DynamicModule, Module } from '@nestjs/common';
import { ConfigError } from '../../../common/config-error';
import type { ConnectorBinding } from '../../connector-binding';
import { ConnectorPort, UpstreamTracer } from '../../ports';
import { loadSqlManifest } from '../manifest/load-sql-manifest';
import { classifySqlError } from '../sql-errors';
import { SqlSettings } from '../sql-settings';
import {
  MappedActionsAdapter,
  MappedAgentsAdapter,
  MappedConnectorAdapter,
  MappedContactsAdapter,
  MappedCredentialsAdapter,
  MappedInteractionsAdapter,
} from './mapped-adapters';
import { MappedSql } from './mapped-sql';
import type { ClientOptions } from './sql-client';

const ADAPTERS = [
  MappedCredentialsAdapter,
  MappedContactsAdapter,
  MappedAgentsAdapter,
  MappedInteractionsAdapter,
  MappedActionsAdapter,
];

/** DATABASE_URL, or the content of DATABASE_URL_FILE (a mounted secret): never the manifest. */
export function databaseUrlOf(settings: SqlSettings): string {
  if (settings.databaseUrlFile) {
    try {
      return readFileSync(settings.databaseUrlFile, 'utf8').trim();
    } catch (error) {
      throw new ConfigError(
        `DATABASE_URL_FILE=${JSON.stringify(settings.databaseUrlFile)}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  if (!settings.databaseUrl) {
    throw new ConfigError(
      'An SQL manifest (CONNECTOR_MANIFEST) needs the database: DATABASE_URL or DATABASE_URL_FILE',
    );
  }
  return settings.databaseUrl;
}

/**
 * The SQL connector over a database the user already has, read as the manifest describes it.
 * The manifest is read and validated when the module is composed: a mistake stops the bridge
 * with every mistake and its path. Nothing is migrated or seeded, but by `setUp` (the demo's).
 */
@Module({})
export class MappedSqlModule {
  static forRoot(
    settings: SqlSettings & { connectorManifest: string },
    setUp?: ClientOptions['setUp'],
  ): DynamicModule {
    const manifest = loadSqlManifest(settings.connectorManifest);
    const databaseUrl = databaseUrlOf(settings);
    return {
      module: MappedSqlModule,
      providers: [
        {
          provide: MappedSql,
          useFactory: (tracer?: UpstreamTracer) =>
            MappedSql.open(manifest, {
              tracer,
              databaseUrl,
              defaultPhoneRegion: settings.defaultPhoneRegion,
              recordUrlBase: settings.recordUrlBase,
              readOnly: manifest.readOnly,
              statementTimeoutMs:
                manifest.connection.statement_timeout_ms ??
                settings.databaseQueryTimeoutMs ??
                settings.requestBudgetMs,
              lockTimeoutMs: settings.databaseLockTimeoutMs,
              sqliteBusyTimeoutMs: settings.sqliteBusyTimeoutMs,
              setUp,
              poolMax: settings.databasePoolMax,
              poolIdleMs: settings.databasePoolIdleMs,
              connectTimeoutMs: settings.databaseConnectTimeoutMs,
            }),
          inject: [{ token: UpstreamTracer, optional: true }],
        },
        { provide: ConnectorPort, useClass: MappedConnectorAdapter },
        ...ADAPTERS,
      ],
      exports: [MappedSql, ConnectorPort, ...ADAPTERS],
    };
  }
}

/** The binding ConnectorsModule uses for CONNECTOR=sql with a manifest. */
export const mappedSqlBinding = (
  settings: SqlSettings & { connectorManifest: string },
  setUp?: ClientOptions['setUp'],
): ConnectorBinding => ({
  module: MappedSqlModule.forRoot(settings, setUp),
  credentials: MappedCredentialsAdapter,
  contacts: MappedContactsAdapter,
  agents: MappedAgentsAdapter,
  interactions: MappedInteractionsAdapter,
  actions: MappedActionsAdapter,
  classifyError: classifySqlError,
});
