import 'reflect-metadata';
import { PinoLogger } from 'nestjs-pino';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { IdempotencyService } from '../../src/idempotency/idempotency.service';
import { InteractionsCache } from '../../src/interactions-cache/interactions-cache.service';
import { MetricsService } from '../../src/metrics/metrics.service';
import { KeyValueStores } from '../../src/store/key-value-store';
import { MemoryKeyValueStores } from '../../src/store/memory-key-value.store';
import { AccountResolver } from '../../src/talkdesk/account-resolver.service';
import { TimeBudget } from '../../src/common/time-budget';
import { TokenSigner } from '../../src/talkdesk/token-codec';
import { newAccount } from '../factories';
import {
  FakeActionsPort,
  FakeAgentsPort,
  FakeConnectorPort,
  FakeContactsPort,
  FakeCredentialsPort,
  FakeInteractionsPort,
} from './fakes';
import { PORT_TOKENS, PortSet } from './ports';
import { RequestTracing } from '../../src/tracing/bridge-tracing';

/** A fresh request budget, long enough for any unit test (5 s). */
export const budget = (ms = 5000): TimeBudget => new TimeBudget(ms);

/** The token secret of services under test. */
export const TEST_TOKEN_SIGNER = new TokenSigner('the test token secret, 32 characters or more');

/** The scope of the tokens of the fake credentials port's account (`newAccount()`). */
export const TEST_TOKENS = TEST_TOKEN_SIGNER.forAccount(newAccount().key);

/** The fake of each port a service under test gets unless the test passes its own. */
export interface FakePorts {
  credentials: FakeCredentialsPort;
  contacts: FakeContactsPort;
  agents: FakeAgentsPort;
  interactions: FakeInteractionsPort;
  actions: FakeActionsPort;
  connector: FakeConnectorPort;
}

export interface TestServiceOptions<P extends Partial<PortSet>> {
  /** Settings, as loadConfig's overrides. */
  config?: Partial<AppConfig>;
  /** Settings, as environment variables (read before `config`). */
  env?: Record<string, string>;
  /** Ports of the test's own; the others are the default fakes. */
  ports?: P;
}

/** Every method of the object (its own and its prototypes'), a jest mock. */
export type Spied<T> = jest.Mocked<T>;

export type TestPorts<P> = {
  [K in keyof FakePorts]: Spied<K extends keyof P ? P[K] : FakePorts[K]>;
};

export interface TestService<T, P> {
  /** The service under test, built with the fakes. */
  sut: T;
  /** The ports it was given, each method spied on (the fakes still answer). */
  ports: TestPorts<P>;
  config: AppConfig;
  /** The account resolver over `ports.credentials`. */
  accounts: AccountResolver;
  /** The in-memory stores behind the caches and idempotency records. */
  stores: MemoryKeyValueStores;
}

/** Wraps every method of `object` in jest.spyOn: calls are recorded, the methods still run. */
function spyOnMethods<T extends object>(object: T): Spied<T> {
  const names = new Set<string>();
  for (
    let proto = Object.getPrototypeOf(object) as object | null;
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(proto))) {
      if (name !== 'constructor' && typeof descriptor.value === 'function') names.add(name);
    }
  }
  for (const name of names) jest.spyOn(object as Record<string, () => unknown>, name);
  return object as Spied<T>;
}

type Constructor<T> = abstract new (...args: any[]) => T;

/**
 * The service (or any injectable) under test, every dependency a fake: in the manner of a DI
 * container, each constructor parameter is given by its type, from the ports (fakes unless the
 * test passes its own), the settings, the account resolver over the credentials port, and the
 * caches and idempotency records on in-memory stores. Metrics and the request log stay off.
 *
 *   const { sut, ports } = newTestService(AgentsService, { ports: { agents: new FakeAgentsPort(users) } });
 */
export function newTestService<T, P extends Partial<PortSet> = Record<never, never>>(
  Service: new (...args: any[]) => T,
  options: TestServiceOptions<P> = {},
): TestService<T, P> {
  const config = loadConfig(options.env ?? {}, options.config ?? {});
  const given: Partial<PortSet> = options.ports ?? {};
  const ports = {
    credentials: spyOnMethods(given.credentials ?? new FakeCredentialsPort()),
    contacts: spyOnMethods(given.contacts ?? new FakeContactsPort()),
    agents: spyOnMethods(given.agents ?? new FakeAgentsPort()),
    interactions: spyOnMethods(given.interactions ?? new FakeInteractionsPort()),
    actions: spyOnMethods(given.actions ?? new FakeActionsPort()),
    connector: spyOnMethods(given.connector ?? new FakeConnectorPort()),
  };
  const stores = new MemoryKeyValueStores();
  const accounts = new AccountResolver(ports.credentials, config);
  const dependencies = new Map<unknown, unknown>([
    [AppConfig, config],
    ...(Object.keys(PORT_TOKENS) as (keyof PortSet)[]).map((name): [unknown, unknown] => [
      PORT_TOKENS[name],
      ports[name],
    ]),
    [AccountResolver, accounts],
    [TokenSigner, TEST_TOKEN_SIGNER],
    [KeyValueStores, stores],
    [IdempotencyService, new IdempotencyService(stores, config)],
    [InteractionsCache, new InteractionsCache(stores, config)],
    // Optional everywhere: undefined leaves the disabled default.
    [MetricsService, undefined],
    // Optional: outside a request there is no request log to add to.
    [PinoLogger, undefined],
    // Optional: bound only when tracing is on.
    [RequestTracing, undefined],
  ]);
  const types = (Reflect.getMetadata('design:paramtypes', Service) ?? []) as Constructor<unknown>[];
  const args = types.map((type, index) => {
    if (!dependencies.has(type)) {
      throw new Error(
        `newTestService: no fake for parameter ${index} (${type?.name ?? String(type)}) of ${Service.name}`,
      );
    }
    return dependencies.get(type);
  });
  return {
    sut: new Service(...args),
    ports: ports as unknown as TestPorts<P>,
    config,
    accounts,
    stores,
  };
}
