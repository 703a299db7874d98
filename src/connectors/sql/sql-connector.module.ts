import type { ConnectorBinding } from '../connector-binding';
import type { SqlSettings } from './sql-settings';

/**
 * The binding ConnectorsModule uses for CONNECTOR=sql: over the database a manifest describes
 * (CONNECTOR_MANIFEST), or the demo: the bundled demo database, set up and seeded at start, served
 * through its manifest on the very same path.
 */
export async function sqlConnectorBinding(settings: SqlSettings): Promise<ConnectorBinding> {
  const { mappedSqlBinding } = await import('./mapped/mapped-sql.module.js');
  const manifest = settings.connectorManifest;
  if (manifest) return mappedSqlBinding({ ...settings, connectorManifest: manifest });
  const { DEMO_MANIFEST, demoDatabaseUrl, setUpDemoDatabase } = await import('./demo-database.js');
  return mappedSqlBinding(
    {
      ...settings,
      connectorManifest: DEMO_MANIFEST,
      databaseUrl: demoDatabaseUrl(settings),
    },
    setUpDemoDatabase(settings),
  );
}
