import { AccountRef, AuthenticatedAccount, AuthFields } from '../../src/connectors/ports';

/** The credentials the fake credentials port accepts unless a test says otherwise. */
export const TEST_AUTH: AuthFields = { username: 'jane@example.com', password: 's3cret' };

/** An account of the external system, as an adapter resolves it from credentials. */
export function newAccount(overrides: Partial<AccountRef> = {}): AccountRef {
  return { key: 'account-1', ...overrides };
}

/** What CredentialsPort.authenticate answers for accepted credentials. */
export function newAuthenticatedAccount(
  overrides: Partial<AuthenticatedAccount> = {},
): AuthenticatedAccount {
  return { account: newAccount(), ...overrides };
}
