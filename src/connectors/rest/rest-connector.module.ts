import { DynamicModule, Logger, Module } from '@nestjs/common';
import { RestSettings } from './rest-settings';
import type { ConnectorBinding } from '../connector-binding';
import { ConnectorPort, PacingCounters, SharedPages } from '../ports';
import { RestConnector } from './engine/rest-connector';
import { loadManifest } from './manifest/load-manifest';
import { pacingBudgetWarning } from './manifest/pacing-budget';
import {
  RestActionsAdapter,
  RestAgentsAdapter,
  RestConnectorAdapter,
  RestContactsAdapter,
  RestCredentialsAdapter,
  RestInteractionsAdapter,
} from './rest-adapters';

const ADAPTERS = [
  RestCredentialsAdapter,
  RestContactsAdapter,
  RestAgentsAdapter,
  RestInteractionsAdapter,
  RestActionsAdapter,
];

/**
 * The REST adapters over one manifest. The manifest is read and validated when the module is
 * composed, before Nest starts: a mistake stops the bridge with a ManifestError naming it.
 */
@Module({})
export class RestConnectorModule {
  static forRoot(config: RestSettings): DynamicModule {
    if (!config.connectorManifest) {
      throw new Error('CONNECTOR=rest needs CONNECTOR_MANIFEST');
    }
    const manifest = loadManifest(config.connectorManifest, {
      ...(config.connectorBaseUrl && { baseUrl: config.connectorBaseUrl }),
    });
    const warning =
      config.requestBudgetMs !== undefined && pacingBudgetWarning(manifest, config.requestBudgetMs);
    if (warning) new Logger(RestConnectorModule.name).warn(warning);
    return {
      module: RestConnectorModule,
      providers: [
        {
          provide: RestConnector,
          useFactory: (pacingCounters?: PacingCounters, sharedPages?: SharedPages | null) =>
            new RestConnector(manifest, {
              defaultPhoneRegion: config.defaultPhoneRegion,
              ...(config.restKeptPagesTtlSeconds && {
                keptPagesTtlMs: config.restKeptPagesTtlSeconds * 1000,
              }),
              ...(pacingCounters && { pacingCounters }),
              ...(sharedPages && { sharedPages }),
            }),
          // Bound by the store module; the connector also runs alone (the port contract suite).
          inject: [
            { token: PacingCounters, optional: true },
            { token: SharedPages, optional: true },
          ],
        },
        { provide: ConnectorPort, useClass: RestConnectorAdapter },
        ...ADAPTERS,
      ],
      exports: [RestConnector, ConnectorPort, ...ADAPTERS],
    };
  }
}

/** The binding ConnectorsModule uses for CONNECTOR=rest. */
export function restConnectorBinding(config: RestSettings): ConnectorBinding {
  return {
    module: RestConnectorModule.forRoot(config),
    credentials: RestCredentialsAdapter,
    contacts: RestContactsAdapter,
    agents: RestAgentsAdapter,
    interactions: RestInteractionsAdapter,
    actions: RestActionsAdapter,
  };
}
