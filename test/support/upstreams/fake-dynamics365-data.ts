import { createHash } from 'node:crypto';
import { seedPeople } from './fake-vendor-people';

/**
 * What a Dataverse environment (Dynamics 365) holds in the stand-in (fake-dynamics365.ts): the
 * standard tables the bridge reads — contact, systemuser, incident (case), task, phonecall — with
 * the columns and types of the Dataverse table/column reference (Web API EntityType reference),
 * GUID keys, choice columns as integers, lookups as `_x_value`, and date-times of one-second
 * precision (`2025-01-06T09:00:05Z`).
 */

export type Edm = 'Guid' | 'String' | 'Int32' | 'Boolean' | 'DateTimeOffset';
export type Row = Record<string, string | number | boolean | null>;

export interface EntitySet {
  /** The entity set name (`contacts`) and the entity's logical name (`contact`). */
  set: string;
  logical: string;
  key: string;
  columns: Record<string, Edm>;
  /** Choice columns: value → label (the FormattedValue annotation). */
  choices: Record<string, Record<string, string>>;
  /** Single-valued navigation properties a create may bind (`x@odata.bind`) → lookup column. */
  binds: Record<string, { column: string; target: string }>;
}

const activity = (logical: string, extra: Record<string, Edm>): EntitySet => ({
  set: `${logical}s`,
  logical,
  key: 'activityid',
  columns: {
    activityid: 'Guid',
    subject: 'String',
    description: 'String',
    statecode: 'Int32',
    statuscode: 'Int32',
    prioritycode: 'Int32',
    actualdurationminutes: 'Int32',
    scheduledend: 'DateTimeOffset',
    _regardingobjectid_value: 'Guid',
    _ownerid_value: 'Guid',
    createdon: 'DateTimeOffset',
    modifiedon: 'DateTimeOffset',
    ...extra,
  },
  choices: {
    statecode: { 0: 'Open', 1: 'Completed', 2: 'Canceled' },
    prioritycode: { 0: 'Low', 1: 'Normal', 2: 'High' },
  },
  binds: {
    [`regardingobjectid_contact_${logical}`]: {
      column: '_regardingobjectid_value',
      target: 'contacts',
    },
  },
});

export const ENTITY_SETS: Record<string, EntitySet> = {
  contacts: {
    set: 'contacts',
    logical: 'contact',
    key: 'contactid',
    columns: {
      contactid: 'Guid',
      firstname: 'String',
      lastname: 'String',
      fullname: 'String',
      emailaddress1: 'String',
      emailaddress2: 'String',
      emailaddress3: 'String',
      telephone1: 'String',
      telephone2: 'String',
      mobilephone: 'String',
      jobtitle: 'String',
      _parentcustomerid_value: 'Guid',
      _ownerid_value: 'Guid',
      statecode: 'Int32',
      createdon: 'DateTimeOffset',
      modifiedon: 'DateTimeOffset',
    },
    choices: { statecode: { 0: 'Active', 1: 'Inactive' } },
    binds: {},
  },
  systemusers: {
    set: 'systemusers',
    logical: 'systemuser',
    key: 'systemuserid',
    columns: {
      systemuserid: 'Guid',
      fullname: 'String',
      firstname: 'String',
      lastname: 'String',
      internalemailaddress: 'String',
      domainname: 'String',
      isdisabled: 'Boolean',
      accessmode: 'Int32',
      applicationid: 'Guid',
      modifiedon: 'DateTimeOffset',
    },
    choices: { accessmode: { 0: 'Read-Write', 4: 'Non-interactive' } },
    binds: {},
  },
  incidents: {
    set: 'incidents',
    logical: 'incident',
    key: 'incidentid',
    columns: {
      incidentid: 'Guid',
      ticketnumber: 'String',
      title: 'String',
      description: 'String',
      statecode: 'Int32',
      statuscode: 'Int32',
      prioritycode: 'Int32',
      caseorigincode: 'Int32',
      _customerid_value: 'Guid',
      createdon: 'DateTimeOffset',
      modifiedon: 'DateTimeOffset',
    },
    choices: {
      statecode: { 0: 'Active', 1: 'Resolved', 2: 'Cancelled' },
      prioritycode: { 1: 'High', 2: 'Normal', 3: 'Low' },
      caseorigincode: { 1: 'Phone', 2: 'Email', 3: 'Web' },
    },
    binds: { customerid_contact: { column: '_customerid_value', target: 'contacts' } },
  },
  tasks: activity('task', {}),
  phonecalls: activity('phonecall', { phonenumber: 'String', directioncode: 'Boolean' }),
};

export interface DataverseOrg {
  /** The environment's name: `https://<name>.crm.dynamics.com` in production. */
  name: string;
  tenantId: string;
  organizationId: string;
  accessToken: string;
  callerId: string;
  tables: Map<string, Map<string, Row>>;
}

export const DATAVERSE_ORGS = [
  {
    name: 'contoso',
    tenantId: '8f1c2d3e-4b5a-4c6d-9e8f-0a1b2c3d4e5f',
    accessToken: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.contoso-access.c2ln',
  },
  {
    name: 'fabrikam',
    tenantId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    accessToken: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.fabrikam-access.c2ln',
  },
] as const;
/** An access token past its `exp`: 401 with `WWW-Authenticate: Bearer error="invalid_token"`. */
export const DATAVERSE_EXPIRED_TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.contoso-expired.c2ln';

/** A deterministic GUID for `(kind, n)`. */
export function guid(kind: string, n: number): string {
  const h = createHash('sha256').update(`${kind}:${n}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Dataverse date-times: whole seconds, UTC, `Z`. */
export const dvDateTime = (ms: number) =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

const BASE = Date.UTC(2025, 0, 6, 9, 0, 0);

export function seedOrg(n: number, contacts: number): DataverseOrg {
  const o = DATAVERSE_ORGS[n];
  const tables = new Map(Object.keys(ENTITY_SETS).map((s) => [s, new Map<string, Row>()]));
  const put = (set: string, row: Row) =>
    tables.get(set)!.set(String(row[ENTITY_SETS[set].key]), row);
  const users: string[] = [];
  for (let u = 0; u < 10; u++) {
    // Application users (an app registration's identity, "Manage application users") and the
    // SYSTEM / INTEGRATION users have no mailbox.
    const app = u >= 8;
    const id = guid(`user-${n}`, u);
    users.push(id);
    put('systemusers', {
      systemuserid: id,
      fullname: app ? (u === 8 ? '# Talkdesk Bridge' : 'INTEGRATION') : `Agent${u} ${o.name}`,
      firstname: app ? null : `Agent${u}`,
      lastname: app ? (u === 8 ? 'Talkdesk Bridge' : 'INTEGRATION') : o.name,
      internalemailaddress: app ? null : `agent${u}@${o.name}.example`,
      domainname: app ? `${id}@${o.name}.example` : `agent${u}@${o.name}.example`,
      isdisabled: u === 7,
      accessmode: app ? 4 : 0,
      applicationid: u === 8 ? guid('app', n) : null,
      modifiedon: dvDateTime(BASE - 86_400_000),
    });
  }
  const accounts = ['Contoso Ltd', 'Fabrikam Inc', 'Litware'].map((name, i) => ({
    id: guid(`account-${n}`, i),
    name,
  }));
  seedPeople(contacts, 9100 + n, `${o.name}.example`).forEach((p, i) => {
    // Second precision: clusters of three contacts share one second.
    const at = dvDateTime(BASE + Math.floor(i / 3) * 41_000);
    const id = guid(`contact-${n}`, i);
    const account = p.company ? accounts[i % 3] : null;
    put('contacts', {
      contactid: id,
      firstname: p.firstName,
      lastname: p.lastName,
      fullname: `${p.firstName} ${p.lastName}`,
      emailaddress1: p.email,
      emailaddress2: p.secondEmail,
      emailaddress3: null,
      telephone1: p.phone,
      telephone2: null,
      mobilephone: p.mobile,
      jobtitle: p.jobTitle,
      _parentcustomerid_value: account?.id ?? null,
      _ownerid_value: users[i % 6],
      statecode: 0,
      createdon: at,
      modifiedon: at,
    });
    if (i % 4 === 1) {
      const before = (h: number) => dvDateTime(Date.parse(at) - h * 3_600_000);
      put('incidents', {
        incidentid: guid(`incident-${n}`, i),
        ticketnumber: `CAS-${String(1000 + i).padStart(5, '0')}-X${n}Q${i % 10}`,
        title: `Order ${i} did not arrive`,
        description: `The parcel for order ${i} is late`,
        statecode: i % 3,
        statuscode: [1, 5, 6][i % 3],
        prioritycode: 1 + (i % 3),
        caseorigincode: 1 + (i % 3),
        _customerid_value: id,
        createdon: before(6),
        modifiedon: before(6),
      });
      const common = (kind: string, h: number) => ({
        activityid: guid(`${kind}-${n}`, i),
        description: 'Customer asked for a refund',
        statecode: i % 3,
        statuscode: null,
        prioritycode: i % 3,
        actualdurationminutes: 5 + (i % 20),
        scheduledend: before(h - 24),
        _regardingobjectid_value: id,
        _ownerid_value: users[1],
        createdon: before(h),
        modifiedon: before(h),
      });
      put('tasks', { ...common('task', 4), subject: `Follow up order ${i}` });
      put('phonecalls', {
        ...common('phonecall', 2),
        subject: `Call about order ${i}`,
        phonenumber: p.phone,
        directioncode: i % 2 === 0,
      });
    }
  });
  return {
    name: o.name,
    tenantId: o.tenantId,
    organizationId: guid('org', n),
    accessToken: o.accessToken,
    callerId: users[0],
    tables,
  };
}

/** Names of the accounts (the `_parentcustomerid_value` lookups' formatted values). */
export const accountName = (org: DataverseOrg, id: string): string | undefined =>
  ['Contoso Ltd', 'Fabrikam Inc', 'Litware'].find(
    (_n, i) => guid(`account-${DATAVERSE_ORGS.findIndex((o) => o.name === org.name)}`, i) === id,
  );
