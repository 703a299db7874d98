import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { seedPeople } from './fake-vendor-people';

/**
 * What a HubSpot portal holds in the stand-in (fake-hubspot.ts): CRM objects of the types the
 * bridge reads — contacts, tickets, notes, calls, tasks — as HubSpot's CRM v3 API models them
 * (every property a string or null, `SimplePublicObject` in the CRM v3 OpenAPI specs of
 * HubSpot-public-api-spec-collection), owners (`PublicOwner`), and associations to contacts.
 */

export type HubSpotObjectType = 'contacts' | 'tickets' | 'notes' | 'calls' | 'tasks';
export const HUBSPOT_OBJECT_TYPES: HubSpotObjectType[] = [
  'contacts',
  'tickets',
  'notes',
  'calls',
  'tasks',
];

export interface HubSpotObject {
  id: string;
  type: HubSpotObjectType;
  properties: Record<string, string | null>;
  createdAt: number;
  /** Epoch ms: HubSpot's update times have millisecond precision (`2019-12-07T16:50:06.678Z`). */
  updatedAt: number;
  archived: boolean;
  /** Ids of the contacts it is associated with (interactions), or of its interactions (contact). */
  contactIds: string[];
}

export interface HubSpotOwner {
  id: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  userId?: number;
  /** `PublicOwner.type`: PERSON or QUEUE (a queue has no email). */
  type: 'PERSON' | 'QUEUE';
  archived: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface HubSpotPortal {
  portalId: number;
  token: string;
  scopes: string[];
  objects: Map<HubSpotObjectType, Map<string, HubSpotObject>>;
  owners: HubSpotOwner[];
}

/**
 * Private-app access tokens (`pat-<region>-<uuid>`, "Private apps" in HubSpot's developer docs),
 * one per portal, with the scopes the bridge's manifest needs.
 */
export const HUBSPOT_PORTALS = [
  { portalId: 44110001, token: 'pat-na1-6a0c5d1e-2f4b-4e8a-9c1d-7b3e5f2a9d10' },
  { portalId: 44110002, token: 'pat-eu1-9d2e7f40-1a3c-4b5d-8e6f-0a1b2c3d4e5f' },
] as const;
/** A token that HubSpot answers 401 EXPIRED_AUTHENTICATION for. */
export const HUBSPOT_EXPIRED_TOKEN = 'pat-na1-00000000-dead-4bad-8bad-expired00000';
export const HUBSPOT_SCOPES = [
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.owners.read',
  'tickets',
];

/** Per-contact association type ids, HUBSPOT_DEFINED ("Associations v4", type id table). */
export const HUBSPOT_CONTACT_ASSOCIATION_TYPE: Record<
  Exclude<HubSpotObjectType, 'contacts'>,
  number
> = {
  tickets: 16,
  calls: 194,
  notes: 202,
  tasks: 204,
};

/** The property holding the last update time (contacts differ from every other object). */
export const modifiedProperty = (type: HubSpotObjectType) =>
  type === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate';

/** The properties answered when a request names none ("Retrieve contacts": default properties). */
export const DEFAULT_PROPERTIES: Record<HubSpotObjectType, string[]> = {
  contacts: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
  tickets: [
    'content',
    'createdate',
    'hs_lastmodifieddate',
    'hs_object_id',
    'hs_pipeline',
    'hs_pipeline_stage',
    'hs_ticket_category',
    'hs_ticket_priority',
    'subject',
  ],
  notes: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  calls: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  tasks: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
};

/** Properties computed by HubSpot, never written by a client. */
export const READ_ONLY = new Set([
  'hs_object_id',
  'createdate',
  'hs_createdate',
  'lastmodifieddate',
  'hs_lastmodifieddate',
  'hs_searchable_calculated_phone_number',
  'hs_searchable_calculated_mobile_number',
]);

/**
 * "Search": HubSpot standardizes phone numbers into `hs_searchable_calculated_*` properties
 * holding "only the area code and local number" (no country code).
 */
export function searchablePhone(typed: string | null | undefined): string | null {
  if (!typed) return null;
  const parsed = parsePhoneNumberFromString(typed, 'US');
  return parsed ? String(parsed.nationalNumber) : typed.replace(/\D/g, '') || null;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Writes the computed properties of an object from its fields. */
export function stampProperties(o: HubSpotObject): void {
  o.properties.hs_object_id = o.id;
  o.properties[o.type === 'contacts' ? 'createdate' : 'hs_createdate'] = iso(o.createdAt);
  if (o.type === 'tickets') o.properties.createdate = iso(o.createdAt);
  o.properties[modifiedProperty(o.type)] = iso(o.updatedAt);
  if (o.type === 'contacts') {
    o.properties.hs_searchable_calculated_phone_number = searchablePhone(o.properties.phone);
    o.properties.hs_searchable_calculated_mobile_number = searchablePhone(o.properties.mobilephone);
  }
}

const BASE = Date.UTC(2025, 0, 6, 9, 0, 0);
const TICKET_STAGES = ['1', '2', '3', '4'];
const PRIORITIES = ['LOW', 'MEDIUM', 'HIGH', 'URGENT'];
const TASK_STATUSES = ['NOT_STARTED', 'IN_PROGRESS', 'WAITING', 'COMPLETED', 'DEFERRED'];
const CALL_STATUSES = ['COMPLETED', 'NO_ANSWER', 'BUSY', 'FAILED'];

/** Seeds a portal: `contacts` contacts (clusters of three share one update millisecond), owners. */
export function seedPortal(
  portalId: number,
  token: string,
  contacts: number,
  nextId: () => string,
): HubSpotPortal {
  const objects = new Map<HubSpotObjectType, Map<string, HubSpotObject>>(
    HUBSPOT_OBJECT_TYPES.map((t) => [t, new Map()]),
  );
  const portal: HubSpotPortal = { portalId, token, scopes: HUBSPOT_SCOPES, objects, owners: [] };
  for (let u = 0; u < 12; u++) {
    const queue = u === 5 || u === 9;
    portal.owners.push({
      id: String(70000000 + (portalId % 1000) * 100 + u),
      ...(!queue && {
        email: `owner${u}@portal${portalId}.example`,
        firstName: `Owner${u}`,
        lastName: 'Agent',
        userId: 9000000 + u,
      }),
      ...(queue && { firstName: `Queue ${u}` }),
      type: queue ? 'QUEUE' : 'PERSON',
      archived: u === 11,
      createdAt: BASE - 86_400_000,
      updatedAt: BASE - 86_400_000,
    });
  }
  seedPeople(contacts, portalId, `portal${portalId}.example`).forEach((p, i) => {
    const updatedAt = BASE + Math.floor(i / 3) * 45_123;
    const contact: HubSpotObject = {
      id: nextId(),
      type: 'contacts',
      createdAt: updatedAt - 3_600_000,
      updatedAt,
      archived: false,
      contactIds: [],
      properties: {
        firstname: p.firstName,
        lastname: p.lastName,
        email: p.email,
        hs_additional_emails: p.secondEmail,
        phone: p.phone,
        mobilephone: p.mobile,
        company: p.company,
        jobtitle: p.jobTitle,
        hubspot_owner_id: portal.owners[i % 4].id,
      },
    };
    stampProperties(contact);
    objects.get('contacts')!.set(contact.id, contact);
    if (i % 4 === 1) seedInteractions(portal, contact, i, nextId);
  });
  return portal;
}

function seedInteractions(
  portal: HubSpotPortal,
  contact: HubSpotObject,
  i: number,
  nextId: () => string,
): void {
  const at = (hoursBefore: number) => contact.updatedAt - hoursBefore * 3_600_000;
  const add = (type: HubSpotObjectType, hoursBefore: number, props: Record<string, string>) => {
    const o: HubSpotObject = {
      id: nextId(),
      type,
      createdAt: at(hoursBefore),
      updatedAt: at(hoursBefore),
      archived: false,
      contactIds: [contact.id],
      properties: { ...props },
    };
    if (type !== 'tickets') o.properties.hs_timestamp = new Date(at(hoursBefore)).toISOString();
    stampProperties(o);
    portal.objects.get(type)!.set(o.id, o);
    contact.contactIds.push(o.id);
  };
  add('tickets', 5, {
    subject: `Order ${i} did not arrive`,
    content: `The parcel for order ${i} is late`,
    hs_pipeline: '0',
    hs_pipeline_stage: TICKET_STAGES[i % 4],
    hs_ticket_priority: PRIORITIES[i % 4],
  });
  add('notes', 4, { hs_note_body: `<p>Called back about order ${i}</p>` });
  add('calls', 3, {
    hs_call_title: `Call about order ${i}`,
    hs_call_body: 'Customer asked for a refund',
    hs_call_direction: i % 2 ? 'INBOUND' : 'OUTBOUND',
    hs_call_status: CALL_STATUSES[i % 4],
    hs_call_duration: String(60_000 + i * 1000),
  });
  add('tasks', 2, {
    hs_task_subject: `Follow up order ${i}`,
    hs_task_body: 'Send the tracking number',
    hs_task_status: TASK_STATUSES[i % 5],
    hs_task_priority: PRIORITIES[i % 3],
    hs_task_type: i % 2 ? 'CALL' : 'TODO',
  });
}
