import { AccountRef, CallOptions } from './account';

export interface UserRecord {
  id: string | number;
  name?: string | null;
  email?: string | null;
}

export interface UserBatch {
  records: UserRecord[];
  /** Where the next batch starts (the adapter's own integer position), or null at the end. */
  next: number | null;
}

export abstract class AgentsPort {
  /** Users from `position` (null: the first), at most `limit`. */
  abstract listUsers(
    account: AccountRef,
    position: number | null,
    limit: number,
    options: CallOptions,
  ): Promise<UserBatch>;
}
