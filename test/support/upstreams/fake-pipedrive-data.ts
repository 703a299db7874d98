import { isoSeconds, typedPhone } from './vendor-kit';

/**
 * Records of the Pipedrive stand-in (`fake-pipedrive.ts`), their seed and the JSON the API writes
 * for them. Field names follow the official Node client 32.x (`pipedrive/client-nodejs`, the
 * models generated from Pipedrive's OpenAPI documents): v2 `PersonItem`-like persons with
 * `emails` / `phones` arrays of `{ value, primary, label }`, `OrganizationItem`, `ActivityItem`;
 * v1 `BaseUser` and `Note`. v2 writes times in RFC 3339 ("All timestamps in the v2 API are now
 * in RFC 3339 format", API v2 migration guide), v1 as `YYYY-MM-DD HH:MM:SS` in UTC.
 */

export interface PipedriveLabelled {
  value: string;
  primary: boolean;
  label: 'work' | 'home' | 'mobile' | 'other';
}

export interface PipedrivePerson {
  id: number;
  name: string;
  first_name: string;
  last_name: string;
  owner_id: number;
  org_id: number | null;
  emails: PipedriveLabelled[];
  /** What the user typed: nothing normalizes a phone. */
  phones: PipedriveLabelled[];
  is_deleted: boolean;
  add_s: number;
  update_s: number;
}

export interface PipedriveOrganization {
  id: number;
  name: string;
  owner_id: number;
  add_s: number;
  update_s: number;
}

export interface PipedriveUser {
  id: number;
  name: string;
  email: string | null;
  active_flag: boolean;
  is_admin: boolean;
  created_s: number;
  modified_s: number;
}

export type PipedriveActivityType = 'call' | 'meeting' | 'task' | 'deadline' | 'email' | 'lunch';

export interface PipedriveActivity {
  id: number;
  subject: string;
  type: PipedriveActivityType;
  owner_id: number;
  person_id: number | null;
  org_id: number | null;
  due_date: string | null;
  due_time: string | null;
  duration: string | null;
  done: boolean;
  note: string | null;
  add_s: number;
  update_s: number;
}

export interface PipedriveNote {
  id: number;
  content: string;
  person_id: number;
  user_id: number;
  add_s: number;
  update_s: number;
}

export interface PipedriveCompany {
  domain: string;
  companyId: number;
  apiToken: string;
  persons: PipedrivePerson[];
  organizations: PipedriveOrganization[];
  users: PipedriveUser[];
  activities: PipedriveActivity[];
  notes: PipedriveNote[];
}

export const PIPEDRIVE_COMPANIES = [
  { domain: 'hooli', companyId: 7001, apiToken: '4f0c9a7b1e2d3c4b5a6978877665544332211aa0' },
  { domain: 'piedpiper', companyId: 7002, apiToken: '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d' },
] as const;

/** What a user types into Talkdesk for company `i`. */
export const pipedriveCredentials = (i: 0 | 1) => ({
  company_domain: PIPEDRIVE_COMPANIES[i].domain,
  api_token: PIPEDRIVE_COMPANIES[i].apiToken,
});

/** 2024-05-01T00:00:00Z in epoch seconds: seeded persons change after it. */
export const PIPEDRIVE_EPOCH = Date.UTC(2024, 4, 1) / 1000;

export interface PipedriveSeed {
  persons?: number;
  users?: number;
}

const FIRST = ['Richard', 'Monica', 'Jared', 'Dinesh', 'Bertram', 'Laurie', 'Gavin', 'Erlich'];
const TYPES: PipedriveActivityType[] = ['call', 'meeting', 'task', 'email', 'deadline'];

export function seedPipedrive(seed: PipedriveSeed, nextId: () => number): PipedriveCompany[] {
  return PIPEDRIVE_COMPANIES.map((c, n) => {
    const company: PipedriveCompany = {
      domain: c.domain,
      companyId: c.companyId,
      apiToken: c.apiToken,
      persons: [],
      organizations: [],
      users: [],
      activities: [],
      notes: [],
    };
    for (let u = 0; u < (seed.users ?? 8); u++) {
      company.users.push({
        id: 10_000 + n * 1000 + u,
        name: `Seller ${u} ${c.domain}`,
        // One user is seeded without an email so the agent sync's skip is exercised.
        email: u === 6 ? null : `seller${u}@${c.domain}.test`,
        active_flag: u !== 7,
        is_admin: u === 0,
        created_s: PIPEDRIVE_EPOCH - 86_400 * 90,
        modified_s: PIPEDRIVE_EPOCH - 86_400,
      });
    }
    for (let o = 0; o < 6; o++) {
      company.organizations.push({
        id: nextId(),
        name: `${['Bachmanity', 'Raviga', 'Endframe', 'Aviato', 'Maleant', 'Nucleus'][o]} ${c.domain}`,
        owner_id: company.users[0].id,
        add_s: PIPEDRIVE_EPOCH - 86_400 * 30,
        update_s: PIPEDRIVE_EPOCH - 86_400 * 2,
      });
    }
    const count = seed.persons ?? 300;
    for (let i = 0; i < count; i++) {
      const id = nextId();
      // Two persons share each second.
      const updated = PIPEDRIVE_EPOCH + Math.floor(i / 2) * 317 + n;
      const first = FIRST[i % FIRST.length];
      const last = `Person${i}`;
      const phones: PipedriveLabelled[] =
        i % 9 === 4
          ? []
          : [
              {
                value: typedPhone('646', '555', 4000 + i + n * 500, i),
                primary: true,
                label: 'work',
              },
            ];
      if (i % 5 === 2) {
        phones.push({
          value: typedPhone('917', '555', 8000 + i + n * 500, i + 2),
          primary: false,
          label: 'mobile',
        });
      }
      company.persons.push({
        id,
        name: `${first} ${last}`,
        first_name: first,
        last_name: last,
        owner_id: company.users[i % Math.min(3, company.users.length)].id,
        org_id: i % 2 === 0 ? company.organizations[i % 6].id : null,
        emails:
          i % 15 === 8
            ? []
            : [
                { value: `person${i}@${c.domain}.example`, primary: true, label: 'work' },
                ...(i % 4 === 0
                  ? [{ value: `p${i}@home.example`, primary: false, label: 'home' as const }]
                  : []),
              ],
        phones,
        is_deleted: i % 41 === 17,
        add_s: updated - 86_400 * 5,
        update_s: updated,
      });
      if (i % 3 === 0) {
        for (let a = 0; a < 2; a++) {
          const added = updated - (a + 1) * 7_200;
          company.activities.push({
            id: nextId(),
            subject: `${a === 0 ? 'Intro call' : 'Demo'} with ${first}`,
            type: TYPES[(i + a) % TYPES.length],
            owner_id: company.users[i % Math.min(3, company.users.length)].id,
            person_id: id,
            org_id: null,
            due_date: isoSeconds(added + 86_400).slice(0, 10),
            due_time: a === 0 ? '15:30' : null,
            duration: a === 0 ? '00:30' : null,
            done: a === 0,
            note: a === 0 ? 'Interested in the enterprise plan' : null,
            add_s: added,
            update_s: added + 300,
          });
        }
        company.notes.push({
          id: nextId(),
          content: `<p>Met ${first} at the conference</p>`,
          person_id: id,
          user_id: company.users[0].id,
          add_s: updated - 3_600,
          update_s: updated - 3_600,
        });
      }
    }
    return company;
  });
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, v1's time format. */
export const v1Time = (s: number) => isoSeconds(s).replace('T', ' ').replace('Z', '');

export function personJson(p: PipedrivePerson) {
  return {
    id: p.id,
    name: p.name,
    first_name: p.first_name,
    last_name: p.last_name,
    owner_id: p.owner_id,
    org_id: p.org_id,
    add_time: isoSeconds(p.add_s),
    update_time: isoSeconds(p.update_s),
    emails: p.emails,
    phones: p.phones,
    is_deleted: p.is_deleted,
    visible_to: 3,
    label_ids: [],
    picture_id: null,
    custom_fields: {},
  };
}

export function organizationJson(o: PipedriveOrganization) {
  return {
    id: o.id,
    name: o.name,
    owner_id: o.owner_id,
    add_time: isoSeconds(o.add_s),
    update_time: isoSeconds(o.update_s),
    is_deleted: false,
    visible_to: 3,
    address: null,
    label_ids: [],
    custom_fields: {},
  };
}

export function activityJson(a: PipedriveActivity) {
  return {
    id: a.id,
    subject: a.subject,
    type: a.type,
    owner_id: a.owner_id,
    creator_user_id: a.owner_id,
    is_deleted: false,
    add_time: isoSeconds(a.add_s),
    update_time: isoSeconds(a.update_s),
    deal_id: null,
    lead_id: null,
    person_id: a.person_id,
    org_id: a.org_id,
    project_id: null,
    due_date: a.due_date,
    due_time: a.due_time,
    duration: a.duration,
    busy: false,
    done: a.done,
    marked_as_done_time: a.done ? isoSeconds(a.update_s) : null,
    location: null,
    participants: a.person_id ? [{ person_id: a.person_id, primary: true }] : [],
    public_description: null,
    priority: null,
    note: a.note,
  };
}

export function userJson(u: PipedriveUser) {
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    phone: null,
    activated: u.active_flag,
    active_flag: u.active_flag,
    role_id: u.is_admin ? 1 : 2,
    access: [
      { app: 'sales', admin: u.is_admin, permission_set_id: u.is_admin ? 'admin' : 'regular' },
    ],
    is_deleted: false,
    lang: 1,
    locale: 'en_US',
    timezone_name: 'America/New_York',
    timezone_offset: '-05:00',
    default_currency: 'USD',
    icon_url: null,
    last_login: v1Time(u.modified_s),
    created: v1Time(u.created_s),
    modified: v1Time(u.modified_s),
    has_created_company: u.is_admin,
  };
}

export function noteJson(note: PipedriveNote, company: PipedriveCompany) {
  const person = company.persons.find((p) => p.id === note.person_id);
  const user = company.users.find((u) => u.id === note.user_id);
  return {
    id: note.id,
    active_flag: true,
    content: note.content,
    person_id: note.person_id,
    org_id: null,
    deal_id: null,
    lead_id: null,
    user_id: note.user_id,
    last_update_user_id: note.user_id,
    pinned_to_person_flag: false,
    add_time: v1Time(note.add_s),
    update_time: v1Time(note.update_s),
    person: person ? { name: person.name } : null,
    user: user ? { email: user.email, name: user.name, icon_url: null, is_you: false } : null,
  };
}
