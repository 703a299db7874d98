import {
  AccountRef,
  AuthenticatedAccount,
  AuthFields,
  CallOptions,
  CredentialsPort,
} from '../../../src/connectors/ports';
import { newAccount, TEST_AUTH } from '../../factories';

interface Accepted {
  auth: AuthFields;
  answer: AuthenticatedAccount;
}

/** The given credentials carry every field of `accepted`, with the same values (others may be added). */
const carries = (accepted: AuthFields, auth: AuthFields) =>
  Object.entries(accepted).every(([key, value]) => auth[key] === value);

/**
 * An external system that knows a few sets of credentials, each of one account. Records every
 * `auth` it is asked about. Without arguments it accepts TEST_AUTH, as account "account-1".
 */
export class FakeCredentialsPort extends CredentialsPort {
  readonly calls: AuthFields[] = [];
  private accepted: Accepted[] = [];

  constructor(auth: AuthFields | null = TEST_AUTH, account: AccountRef = newAccount()) {
    super();
    if (auth) this.accept(auth, account);
  }

  /** Accepts `auth` (and any superset of its fields) as the credentials of `account`. */
  accept(
    auth: AuthFields,
    account: AccountRef = newAccount(),
    fieldsToStore?: AuthenticatedAccount['fieldsToStore'],
  ): this {
    this.accepted.push({ auth, answer: { account, ...(fieldsToStore && { fieldsToStore }) } });
    return this;
  }

  /** Refuses `auth` from now on, as after a password change. */
  revoke(auth: AuthFields): void {
    this.accepted = this.accepted.filter((entry) => !carries(entry.auth, auth));
  }

  async authenticate(
    auth: AuthFields,
    _options?: CallOptions,
  ): Promise<AuthenticatedAccount | null> {
    this.calls.push(auth);
    const found = this.accepted.find((entry) => carries(entry.auth, auth));
    return found ? structuredClone(found.answer) : null;
  }
}
