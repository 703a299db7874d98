import { Abstract, DynamicModule, Global, Module, Provider, Type } from '@nestjs/common';
import { ConnectorBinding, ConnectorKind } from './connector-binding';
import {
  ActionsPort,
  AgentsPort,
  ContactsPort,
  CredentialsPort,
  InteractionsPort,
  UpstreamObserver,
  UpstreamTracer,
} from './ports';
import { UpstreamGuard } from './resilience/upstream-guard';
import type { RestSettings } from './rest/rest-settings';
import type { SqlSettings } from './sql/sql-settings';

/** How the upstream guard retries and when its circuit breaker opens. */
export interface GuardSettings {
  readonly upstreamRetries: number;
  readonly upstreamRetryBaseMs: number;
  readonly upstreamRetryMaxMs: number;
  readonly circuitBreakerThreshold: number;
  readonly circuitBreakerCooldownMs: number;
}

/**
 * Everything the connectors are told, by whoever composes the bridge: which connector, its own
 * settings and the guard's. The application's configuration satisfies it as it is.
 */
export type ConnectorsOptions = { readonly connector: ConnectorKind } & GuardSettings &
  SqlSettings &
  RestSettings;

/**
 * Each adapter's binding; composing one may read its own settings (the REST manifest). An
 * adapter's module is loaded only when it is chosen, so its libraries (the database drivers, or
 * the REST connector's HTTP client, YAML and JSONata) stay out of a bridge that does not use it.
 */
const BINDINGS: Record<ConnectorKind, (options: ConnectorsOptions) => Promise<ConnectorBinding>> = {
  sql: async (options) =>
    (await import('./sql/sql-connector.module.js')).sqlConnectorBinding(options),
  rest: async (options) =>
    (await import('./rest/rest-connector.module.js')).restConnectorBinding(options),
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
  static async forRoot(options: ConnectorsOptions): Promise<DynamicModule> {
    const binding = await BINDINGS[options.connector](options);
    const guard: Provider = {
      provide: UpstreamGuard,
      // An observer and a tracer are optional: the module also runs alone (the port contract
      // suite), and the tracer is bound only when tracing is on.
      useFactory: (observer?: UpstreamObserver, tracer?: UpstreamTracer) => {
        const upstream = new UpstreamGuard({
          retries: options.upstreamRetries,
          baseDelayMs: options.upstreamRetryBaseMs,
          maxDelayMs: options.upstreamRetryMaxMs,
          breakerThreshold: options.circuitBreakerThreshold,
          breakerCooldownMs: options.circuitBreakerCooldownMs,
          classify: binding.classifyError,
          observer,
          tracer,
        });
        observer?.watchCircuitBreaker?.(() => upstream.state);
        return upstream;
      },
      inject: [
        { token: UpstreamObserver, optional: true },
        { token: UpstreamTracer, optional: true },
      ],
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
