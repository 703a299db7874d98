import { AccountRef } from '../ports';

export interface SqlAccount extends AccountRef {
  readonly id: number;
}

export function sqlAccount(id: number): SqlAccount {
  return { key: `sql:${id}`, id };
}

/** Every port receives the account its adapter's credentials port resolved. */
export function accountId(account: AccountRef): number {
  return (account as SqlAccount).id;
}
