import { Abstract, LoggerService } from '@nestjs/common';
import { Test, TestingModule, TestingModuleBuilder } from '@nestjs/testing';
import { AppConfig } from '../../src/config/app-config';
import { ConfigModule } from '../../src/config/config.module';
import { ConnectorsModule } from '../../src/connectors/connectors.module';
import {
  ActionsPort,
  AgentsPort,
  ConnectorPort,
  ContactsPort,
  CredentialsPort,
  InteractionsPort,
} from '../../src/connectors/ports';

/** The six ports of an adapter. */
export interface PortSet {
  credentials: CredentialsPort;
  contacts: ContactsPort;
  agents: AgentsPort;
  interactions: InteractionsPort;
  actions: ActionsPort;
  connector: ConnectorPort;
}

/** The injection token of each port. */
export const PORT_TOKENS: { [K in keyof PortSet]: Abstract<PortSet[K]> } = {
  credentials: CredentialsPort,
  contacts: ContactsPort,
  agents: AgentsPort,
  interactions: InteractionsPort,
  actions: ActionsPort,
  connector: ConnectorPort,
};

/** The ports as a module binds them (behind the upstream guard, where the module puts one). */
export function portsOf(moduleRef: Pick<TestingModule, 'get'>): PortSet {
  return {
    credentials: moduleRef.get(CredentialsPort),
    contacts: moduleRef.get(ContactsPort),
    agents: moduleRef.get(AgentsPort),
    interactions: moduleRef.get(InteractionsPort),
    actions: moduleRef.get(ActionsPort),
    connector: moduleRef.get(ConnectorPort),
  };
}

/** Replaces the given ports of a module being built (e.g. the bridge's) with these values. */
export function overridePorts(
  builder: TestingModuleBuilder,
  ports: { [K in keyof PortSet]?: Partial<PortSet[K]> },
): TestingModuleBuilder {
  for (const [name, port] of Object.entries(ports) as [keyof PortSet, unknown][]) {
    if (port !== undefined) builder = builder.overrideProvider(PORT_TOKENS[name]).useValue(port);
  }
  return builder;
}

const SILENT: LoggerService = { log() {}, error() {}, warn() {} };

/**
 * The adapter the configuration chooses (CONNECTOR), alone: the configuration and connectors
 * modules, compiled and initialised, logging nothing. Close it when done.
 */
export async function startConnectorModule(config: AppConfig): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(config), ConnectorsModule.forRoot(config)],
  })
    .setLogger(SILENT)
    .compile();
  await moduleRef.init();
  return moduleRef;
}
