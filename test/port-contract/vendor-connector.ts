import { TestingModule } from '@nestjs/testing';
import { loadConfig } from '../../src/config/app-config';
import { startConnectorModule } from '../support/ports';

/**
 * The REST connector over a vendor manifest, alone (no HTTP layer), for the port contract
 * suite. `baseUrl` replaces the manifest's base URL where the vendor's is fixed (its stand-in
 * serves it); manifests whose base URL comes from the credentials (a tenant URL checked against
 * `allowed_hosts`) are given a copy allowing the stand-ins' origin instead. The stand-in is
 * stopped when the connector cannot start.
 */
export function startVendorConnector(
  manifest: string,
  baseUrl: string | undefined,
  stop: () => Promise<void>,
): Promise<TestingModule> {
  const config = loadConfig(
    {},
    {
      logLevel: 'silent',
      connector: 'rest',
      connectorManifest: manifest,
      ...(baseUrl !== undefined && { connectorBaseUrl: baseUrl }),
    },
  );
  return startConnectorModule(config).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
}
