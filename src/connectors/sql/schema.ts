import { Generated } from 'kysely';

/** The external system's own tables: the accounts and, per account, their records. */
export interface AccountsTable {
  id: Generated<number>;
  username: string;
  password_hash: string;
  display_name: string;
  created_at: number;
}

export interface ContactsTable {
  id: Generated<number>;
  account_id: number;
  name: string | null;
  title: string | null;
  company: string | null;
  /** JSON arrays, stored as text so that every SQL dialect reads them alike. */
  emails: string;
  phones: string;
  websites: string;
  custom_fields: string;
  photo_url: string | null;
  address: string | null;
  twitter: string | null;
  /** Epoch milliseconds. */
  updated_at: number;
}

/** Normalized emails and phones of each contact, to find a contact by them. */
export interface ContactChannelsTable {
  account_id: number;
  contact_id: number;
  kind: 'email' | 'phone';
  value: string;
}

export interface UsersTable {
  id: Generated<number>;
  account_id: number;
  name: string | null;
  email: string | null;
}

export interface InteractionsTable {
  id: Generated<number>;
  account_id: number;
  contact_id: number;
  type: string;
  subject: string | null;
  description: string | null;
  priority: string | null;
  status: string | null;
  /** Epoch milliseconds. */
  occurred_at: number;
  agent_id: number | null;
}

export interface DatabaseSchema {
  accounts: AccountsTable;
  contacts: ContactsTable;
  contact_channels: ContactChannelsTable;
  users: UsersTable;
  interactions: InteractionsTable;
}
