import type { Kysely } from 'kysely';
import { loadConfig } from '../../src/config/app-config';
import type { PortContractFixture } from '../port-contract/port-contract';
import { portsOf, startConnectorModule } from './ports';
import type { TestDatabase } from './test-database';
import { createUserDatabase, UserDatabase } from './user-schemas/user-database';

/**
 * The port contract fixture of the SQL connector over one of connectors/sql/*.yaml: a user
 * database of TEST_DATABASE's kind, its schema created and seeded, the connector module started
 * over it, and both closed by the suite's teardown (or at once when the set-up fails).
 * `describe` gives what is particular to the manifest: its accounts, refused credentials, how
 * contacts are written.
 */
export async function sqlManifestFixture(
  manifest: string,
  schema: {
    create(db: Kysely<any>, kind: TestDatabase['kind']): Promise<void>;
    seed(db: Kysely<any>): Promise<void>;
  },
  describe: (user: UserDatabase) => Omit<PortContractFixture, 'ports' | 'teardown'>,
): Promise<PortContractFixture> {
  const user = await createUserDatabase();
  try {
    await schema.create(user.db, user.database.kind);
    await schema.seed(user.db);
    const config = loadConfig(
      {},
      {
        connector: 'sql',
        connectorManifest: manifest,
        databaseUrl: user.url,
        dataDir: user.database.dataDir,
        logLevel: 'silent',
      },
    );
    const moduleRef = await startConnectorModule(config);
    return {
      ...describe(user),
      ports: portsOf(moduleRef),
      async teardown() {
        try {
          await moduleRef.close();
        } finally {
          await user.close();
        }
      },
    };
  } catch (error) {
    await user.close();
    throw error;
  }
}
