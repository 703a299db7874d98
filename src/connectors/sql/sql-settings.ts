/** Where records link to when RECORD_URL_BASE is not set (the demo's system of record). */
export const DEFAULT_RECORD_URL_BASE = 'https://crm.example.com';

/**
 * What the SQL connector needs to know, handed to SqlConnectorModule.forRoot by whoever composes
 * the bridge (the application's configuration satisfies it as it is). An abstract class so that
 * it is its own injection token: the adapters depend on it, never on the application's config.
 */
export abstract class SqlSettings {
  /** A PostgreSQL or MySQL/MariaDB URL; without one, the embedded SQLite file in dataDir. */
  abstract readonly databaseUrl?: string;
  /** A file holding the database URL (a mounted secret); wins over databaseUrl. */
  abstract readonly databaseUrlFile?: string;
  /**
   * An SQL manifest (YAML or JSON): serve the database the user already has, as it describes,
   * instead of the demo (the bundled demo database, through connectors/sql/bridge-demo.yaml).
   */
  abstract readonly connectorManifest?: string;
  abstract readonly dataDir: string;
  abstract readonly databasePoolMax: number;
  abstract readonly databasePoolIdleMs: number;
  abstract readonly databaseConnectTimeoutMs: number;
  /** Unset: the request budget (a statement is of no use after its request was answered). */
  abstract readonly databaseQueryTimeoutMs?: number;
  abstract readonly databaseLockTimeoutMs: number;
  abstract readonly requestBudgetMs: number;
  abstract readonly sqliteBusyTimeoutMs: number;
  /** Seed the demo accounts into an empty database at start-up. */
  abstract readonly seedDemo: boolean;
  /** Base of the record URLs handed to Talkdesk (`<base>/contacts/<id>`). */
  abstract readonly recordUrlBase: string;
  /** ISO 3166 region for phone numbers stored without a country code. */
  abstract readonly defaultPhoneRegion: string;
}
