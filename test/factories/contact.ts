import { ContactRecord } from '../../src/connectors/ports';
import { NewContact } from '../../src/connectors/sql/demo-data';

/** An instant in 2023, the default time of the contacts built here (epoch milliseconds). */
export const CONTACT_TIME = 1_700_000_000_000;

/**
 * A contact as an adapter lists it (ContactsPort): by default contact "1", changed at
 * CONTACT_TIME, named and with an email after its id.
 */
export function newContactRecord(overrides: Partial<ContactRecord> = {}): ContactRecord {
  const id = overrides.id ?? '1';
  return {
    id,
    updatedAt: CONTACT_TIME,
    name: `Contact ${id}`,
    emails: [`contact${id}@example.com`],
    ...overrides,
  };
}

/** A contact row for the demo database's writer (insertContacts): every optional field empty. */
export function newContact(overrides: Partial<NewContact> = {}): NewContact {
  return {
    name: 'Jane Doe',
    title: null,
    company: null,
    emails: [],
    phones: [],
    websites: [],
    customFields: [],
    photoUrl: null,
    address: null,
    twitter: null,
    updatedAt: CONTACT_TIME,
    ...overrides,
  };
}
