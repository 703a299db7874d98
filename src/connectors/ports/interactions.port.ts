import { AccountRef, CallOptions } from './account';

export interface ContactLookup {
  contactId?: string;
  name?: string;
  emails: string[];
  phones: string[];
}

export interface InteractionRecord {
  id: string | number;
  type: string;
  subject?: string | null;
  description?: string | null;
  /** Date, epoch milliseconds or a date string. */
  date: Date | number | string;
  url?: string | null;
  priority?: string | null;
  status?: string | null;
}

export interface InteractionQuery {
  types: string[];
  limit: number;
}

export abstract class InteractionsPort {
  /** The contact's most recent interactions of the given types (newest first), or null when no contact matches. */
  abstract findInteractions(
    account: AccountRef,
    contact: ContactLookup,
    query: InteractionQuery,
    options: CallOptions,
  ): Promise<InteractionRecord[] | null>;
}
