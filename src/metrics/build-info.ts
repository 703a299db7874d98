import { AppConfig } from '../config/app-config';
import { ConnectorPort } from '../connectors/ports';
import { packageVersion } from '../common/package-version';

/** The labels of `bridge_build_info`: what is running, for dashboards and alerts to join on. */
export interface BuildInfo {
  /** package.json's version. */
  version: string;
  /** BRIDGE_COMMIT, or `unknown`. */
  commit: string;
  /** The Node.js version, e.g. `v24.22.3`. */
  node_version: string;
  /** CONNECTOR: `sql` or `rest`. */
  connector: string;
  /** The connector's manifest name (the demo's: `example-crm`); empty for one without a manifest. */
  manifest: string;
}

export function buildInfo(config: AppConfig, connector?: ConnectorPort): BuildInfo {
  return {
    version: packageVersion(),
    commit: config.bridgeCommit ?? 'unknown',
    node_version: process.version,
    connector: config.connector,
    manifest: connector?.manifestName ?? '',
  };
}
