import { Abstract, DynamicModule, Global, Module, Provider, Type } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { ConnectorBinding } from './connector-binding';
import { ActionsPort, AgentsPort, ContactsPort, CredentialsPort, InteractionsPort } from './ports';
import { UpstreamGuard } from './resilience/upstream-guard';

/**
 * Each adapter's binding; composing one may read its own settings (the REST manifest). An
 * adapter's module is loaded only when it is chosen, so its libraries (the database drivers, or
 * the REST connector's HTTP client, YAML and JSONata) stay out of a bridge that does not use it.
 */
const BINDINGS: Record<AppConfig['connector'], (config: AppConfig) => Promise<ConnectorBinding>> = {
  sql: async () => (await import('./sql/sql-connector.module.js')).SQL_CONNECTOR,
  rest: async (config) =>
    (await import('./rest/rest-connector.module.js')).restConnectorBinding(config),
};

/** A data port bound to the chosen adapter, every call of which goes through the upstream guard. */
function guarded(port: Abstract<unknown>, adapter: Type<unknown>, name: string): Provider {
  return {
    provide: port,
    useFactory: (raw: object, guard: UpstreamGuard) => guard.protect(raw, name),
    inject: [adapter, UpstreamGuard],
  };
}

/** Binds the ports to the adapter the configuration chose (CONNECTOR), behind the resilience layer. */
@Global()
@Module({})
export class ConnectorsModule {
  static async forRoot(config: AppConfig): Promise<DynamicModule> {
    const binding = await BINDINGS[config.connector](config);
    const guard: Provider = {
      provide: UpstreamGuard,
      // Metrics are optional: the module also runs alone (the port contract suite).
      useFactory: (settings: AppConfig, metrics?: MetricsService) => {
        const upstream = new UpstreamGuard({
          retries: settings.upstreamRetries,
          baseDelayMs: settings.upstreamRetryBaseMs,
          maxDelayMs: settings.upstreamRetryMaxMs,
          breakerThreshold: settings.circuitBreakerThreshold,
          breakerCooldownMs: settings.circuitBreakerCooldownMs,
          classify: binding.classifyError,
          observer: metrics?.upstreamObserver(),
        });
        metrics?.watchCircuitBreaker(() => upstream.state);
        return upstream;
      },
      inject: [AppConfig, { token: MetricsService, optional: true }],
    };
    const ports = [CredentialsPort, ContactsPort, AgentsPort, InteractionsPort, ActionsPort];
    return {
      module: ConnectorsModule,
      imports: [binding.module],
      providers: [
        guard,
        guarded(CredentialsPort, binding.credentials, 'credentials'),
        guarded(ContactsPort, binding.contacts, 'contacts'),
        guarded(AgentsPort, binding.agents, 'agents'),
        guarded(InteractionsPort, binding.interactions, 'interactions'),
        guarded(ActionsPort, binding.actions, 'actions'),
      ],
      exports: [binding.module, UpstreamGuard, ...ports],
    };
  }
}
