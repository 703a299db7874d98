import { UserRecord } from '../../src/connectors/ports';

/** A user of the external system as AgentsPort lists it: by default user 1, named and with an email after its id. */
export function newAgent(overrides: Partial<UserRecord> = {}): UserRecord {
  const id = overrides.id ?? 1;
  return { id, name: `User ${id}`, email: `user${id}@example.com`, ...overrides };
}
