import { AccountRef, AuthFields, CallOptions } from './account';

export interface AuthenticatedAccount {
  account: AccountRef;
  /** Fields the external system yields for Talkdesk to store (answered with 200 instead of 204). */
  fieldsToStore?: Record<string, string | number | boolean>;
}

export abstract class CredentialsPort {
  /** The account the credentials belong to, or null when the external system rejects them. */
  abstract authenticate(
    auth: AuthFields,
    options: CallOptions,
  ): Promise<AuthenticatedAccount | null>;
}
