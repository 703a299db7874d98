import { AccountRef, AuthFields, CallOptions } from './account';

export interface AuthenticatedAccount {
  account: AccountRef;
  /** Fields the external system yields for Talkdesk to store (answered with 200 instead of 204). */
  fieldsToStore?: Record<string, string | number | boolean>;
}

export abstract class CredentialsPort {
  /**
   * Who the credentials claim to be, without their secret: the normalized username, or the
   * fields that name the account. Rate limits and the back-off after failed credentials count
   * by it, so that a new password, a changed case or an extra field is not a new budget.
   * Undefined when the credentials name no one apart from their secret (an API key).
   */
  identityOf(_auth: AuthFields): string | undefined {
    return undefined;
  }

  /** The account the credentials belong to, or null when the external system rejects them. */
  abstract authenticate(
    auth: AuthFields,
    options: CallOptions,
  ): Promise<AuthenticatedAccount | null>;
}
