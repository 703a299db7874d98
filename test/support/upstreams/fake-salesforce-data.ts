import { SObject, SoqlSchema } from './fake-salesforce-soql';
import { seedPeople } from './fake-vendor-people';

/**
 * What a Salesforce org holds in the stand-in (fake-salesforce.ts): Contact, Account, User, Case
 * and Task records with the standard fields the bridge reads (Object Reference for the Salesforce
 * Platform), 18-character ids, and date-times of one-second precision written as Salesforce's REST
 * API writes them (`2025-01-06T09:00:05.000+0000`).
 */

export interface SalesforceOrg {
  organizationId: string;
  /** `https://<MyDomain>.my.salesforce.com` in production: here the org's own server. */
  instanceUrl: string;
  accessToken: string;
  userId: string;
  records: Record<'Contact' | 'Account' | 'User' | 'Case' | 'Task', Map<string, SObject>>;
}

export const SALESFORCE_ORGS = [
  {
    organizationId: '00D5g00000AcmeQEAR',
    accessToken: '00D5g00000AcmeQ!AQ8AQFl9kq3HcX6oN2bR4yv.tWm',
  },
  {
    organizationId: '00D5g00000GlbxQEAR',
    accessToken: '00D5g00000GlbxQ!AQ8AQJd2kT9QpE3mL7cV1zu.sNa',
  },
] as const;
/** A session id Salesforce no longer accepts: `401 INVALID_SESSION_ID`. */
export const SALESFORCE_EXPIRED_TOKEN = '00D5g00000AcmeQ!AQ8AQExpiredSessionXXXXXXXXXX';

export const SALESFORCE_SCHEMA: SoqlSchema = {
  fields: {
    Contact: {
      fields: [
        'Id',
        'FirstName',
        'LastName',
        'Name',
        'Email',
        'Phone',
        'MobilePhone',
        'HomePhone',
        'Title',
        'AccountId',
        'OwnerId',
        'CreatedDate',
        'LastModifiedDate',
        'SystemModstamp',
        'IsDeleted',
      ],
      relationships: { Account: 'Account', Owner: 'User' },
    },
    Account: {
      fields: ['Id', 'Name', 'CreatedDate', 'LastModifiedDate', 'SystemModstamp'],
      relationships: {},
    },
    User: {
      fields: [
        'Id',
        'Name',
        'FirstName',
        'LastName',
        'Email',
        'Username',
        'IsActive',
        'UserType',
        'CreatedDate',
        'LastModifiedDate',
        'SystemModstamp',
      ],
      relationships: {},
    },
    Case: {
      fields: [
        'Id',
        'CaseNumber',
        'Subject',
        'Description',
        'Status',
        'Priority',
        'Origin',
        'IsClosed',
        'ContactId',
        'OwnerId',
        'CreatedDate',
        'LastModifiedDate',
        'SystemModstamp',
      ],
      relationships: { Contact: 'Contact', Owner: 'User' },
    },
    Task: {
      fields: [
        'Id',
        'Subject',
        'Description',
        'Status',
        'Priority',
        'TaskSubtype',
        'CallType',
        'CallDurationInSeconds',
        'ActivityDate',
        'IsClosed',
        'WhoId',
        'OwnerId',
        'CreatedDate',
        'LastModifiedDate',
        'SystemModstamp',
      ],
      relationships: { Owner: 'User' },
    },
  },
  dateTimes: new Set(['CreatedDate', 'LastModifiedDate', 'SystemModstamp']),
};

/** "Working with Record IDs": the 3-character key prefix of each object. */
const PREFIX = { Contact: '003', Account: '001', User: '005', Case: '500', Task: '00T' } as const;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** An 18-character id: 15 case-sensitive characters and the 3-character case-safe suffix. */
export function salesforceId(type: keyof typeof PREFIX, n: number): string {
  let digits = '';
  for (let v = n; v > 0 || digits.length < 1; v = Math.floor(v / 62))
    digits = BASE62[v % 62] + digits;
  const id15 = `${PREFIX[type]}5g00000${digits.padStart(5, '0')}`.slice(0, 15);
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) if (/[A-Z]/.test(id15[chunk * 5 + i])) bits |= 1 << i;
    suffix += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'[bits];
  }
  return id15 + suffix;
}

/** Date-times as the REST API writes them: whole seconds, `.000+0000`. */
export const sfDateTime = (ms: number) =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('Z', '+0000');

const BASE = Date.UTC(2025, 0, 6, 9, 0, 0);
const CASE_STATUSES = ['New', 'Working', 'Escalated', 'Closed'];
const PRIORITIES = ['High', 'Medium', 'Low'];
const TASK_STATUSES = [
  'Not Started',
  'In Progress',
  'Completed',
  'Waiting on someone else',
  'Deferred',
];

export function seedOrg(
  n: number,
  instanceUrl: string,
  contacts: number,
  nextId: (type: keyof typeof PREFIX) => string,
): SalesforceOrg {
  const o = SALESFORCE_ORGS[n];
  const records: SalesforceOrg['records'] = {
    Contact: new Map(),
    Account: new Map(),
    User: new Map(),
    Case: new Map(),
    Task: new Map(),
  };
  const stamp = (ms: number) => ({
    CreatedDate: sfDateTime(ms),
    LastModifiedDate: sfDateTime(ms),
    SystemModstamp: sfDateTime(ms),
  });
  const users: SObject[] = [];
  for (let u = 0; u < 10; u++) {
    // The org's system users (Automated Process, integration users) are not people: the stand-in
    // gives them no Email, so a sync must skip them.
    const system = u === 8 || u === 9;
    const user: SObject = {
      Id: nextId('User'),
      FirstName: system ? null : `Agent${u}`,
      LastName: system ? (u === 8 ? 'Automated Process' : 'Integration') : `Org${n}`,
      Name: system ? (u === 8 ? 'Automated Process' : 'Integration User') : `Agent${u} Org${n}`,
      Email: system ? null : `agent${u}@org${n}.example`,
      Username: `agent${u}@org${n}.example.sandbox`,
      IsActive: u !== 7,
      UserType: system ? 'AutomatedProcess' : 'Standard',
      ...stamp(BASE - 86_400_000),
    };
    users.push(user);
    records.User.set(user.Id, user);
  }
  const accounts: SObject[] = ['Initech', 'Globex', 'Umbrella'].map((name) => ({
    Id: nextId('Account'),
    Name: `${name} ${n}`,
    ...stamp(BASE - 86_400_000),
  }));
  for (const a of accounts) records.Account.set(a.Id, a);
  seedPeople(contacts, 7000 + n, `org${n}.example`).forEach((p, i) => {
    // Second precision: clusters of four contacts share one second.
    const at = BASE + Math.floor(i / 4) * 37_000;
    const account = p.company ? accounts[i % accounts.length] : null;
    const contact: SObject = {
      Id: nextId('Contact'),
      FirstName: p.firstName,
      LastName: p.lastName,
      Name: `${p.firstName} ${p.lastName}`,
      Email: p.email,
      Phone: p.phone,
      MobilePhone: p.mobile,
      HomePhone: null,
      Title: p.jobTitle,
      AccountId: account?.Id ?? null,
      Account: account,
      OwnerId: users[i % 6].Id,
      IsDeleted: false,
      ...stamp(at),
    };
    records.Contact.set(contact.Id, contact);
    if (i % 4 === 1) {
      const kase: SObject = {
        Id: nextId('Case'),
        CaseNumber: String(1000 + i).padStart(8, '0'),
        Subject: `Order ${i} did not arrive`,
        Description: `The parcel for order ${i} is late`,
        Status: CASE_STATUSES[i % 4],
        Priority: PRIORITIES[i % 3],
        Origin: ['Phone', 'Email', 'Web'][i % 3],
        IsClosed: i % 4 === 3,
        ContactId: contact.Id,
        OwnerId: users[0].Id,
        ...stamp(at - 7_200_000),
      };
      records.Case.set(kase.Id, kase);
      const call = i % 2 === 1;
      const task: SObject = {
        Id: nextId('Task'),
        Subject: call ? `Call about order ${i}` : `Follow up order ${i}`,
        Description: 'Customer asked for a refund',
        Status: TASK_STATUSES[i % 5],
        Priority: ['High', 'Normal', 'Low'][i % 3],
        TaskSubtype: call ? 'Call' : 'Task',
        CallType: call ? (i % 3 ? 'Inbound' : 'Outbound') : null,
        CallDurationInSeconds: call ? 60 + i : null,
        ActivityDate: new Date(at).toISOString().slice(0, 10),
        IsClosed: i % 5 === 2,
        WhoId: contact.Id,
        OwnerId: users[1].Id,
        ...stamp(at - 3_600_000),
      };
      records.Task.set(task.Id, task);
    }
  });
  return {
    organizationId: o.organizationId,
    instanceUrl,
    accessToken: o.accessToken,
    userId: users[0].Id,
    records,
  };
}
