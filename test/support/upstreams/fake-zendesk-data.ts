import { isoSeconds, typedPhone } from './vendor-kit';

/**
 * The records of the Zendesk stand-in (`fake-zendesk.ts`) and their seed: end users, agents and
 * admins in one users table (Users API: "role" is `end-user`, `agent` or `admin`), deleted users
 * kept with `active: false` (the incremental export still returns them), organizations, tickets
 * and their comments. Times are whole epoch seconds: the API writes `created_at` / `updated_at`
 * as ISO 8601 without fractions (Users API, JSON format, e.g. `2018-11-14T00:54:22Z`).
 */

export type ZendeskRole = 'end-user' | 'agent' | 'admin';

export interface ZendeskUser {
  id: number;
  name: string;
  /** Nullable in the Users API's JSON format (identities may hold only a phone). */
  email: string | null;
  /** As the user or an agent typed it: "should" be E.164 (Users API, Phone Number), often is not. */
  phone: string | null;
  role: ZendeskRole;
  /** false once deleted (Users API, "active": "false if the user has been deleted"). */
  active: boolean;
  organization_id: number | null;
  created_s: number;
  updated_s: number;
  time_zone: string;
  tags: string[];
}

export interface ZendeskOrganization {
  id: number;
  name: string;
  created_s: number;
  updated_s: number;
}

export type ZendeskStatus = 'new' | 'open' | 'pending' | 'hold' | 'solved' | 'closed';
export type ZendeskPriority = 'urgent' | 'high' | 'normal' | 'low';

export interface ZendeskTicket {
  id: number;
  requester_id: number;
  subject: string;
  description: string;
  status: ZendeskStatus;
  priority: ZendeskPriority | null;
  type: 'problem' | 'incident' | 'question' | 'task' | null;
  channel: 'email' | 'web' | 'voice' | 'api';
  created_s: number;
  updated_s: number;
}

export interface ZendeskComment {
  id: number;
  ticket_id: number;
  author_id: number;
  body: string;
  public: boolean;
  created_s: number;
}

export interface ZendeskAccount {
  subdomain: string;
  email: string;
  apiToken: string;
  users: ZendeskUser[];
  organizations: ZendeskOrganization[];
  tickets: ZendeskTicket[];
  comments: ZendeskComment[];
}

export const ZENDESK_ACCOUNTS = [
  { subdomain: 'acme', email: 'admin@acme.test', apiToken: 'zd-acme-6f1c2e9a0b7d' },
  { subdomain: 'globex', email: 'owner@globex.test', apiToken: 'zd-globex-3a8e5d1f4c2b' },
] as const;

/** What a user types into Talkdesk for account `i`. */
export const zendeskCredentials = (i: 0 | 1) => ({
  subdomain: ZENDESK_ACCOUNTS[i].subdomain,
  email: ZENDESK_ACCOUNTS[i].email,
  api_token: ZENDESK_ACCOUNTS[i].apiToken,
});

/** 2024-01-01T00:00:00Z in epoch seconds: every seeded change is after it. */
export const ZENDESK_EPOCH = Date.UTC(2024, 0, 1) / 1000;

const STATUSES: ZendeskStatus[] = ['new', 'open', 'pending', 'hold', 'solved', 'closed'];
const PRIORITIES: (ZendeskPriority | null)[] = ['urgent', 'high', 'normal', 'low', null];

export interface ZendeskSeed {
  /** End users per account (default 300), some of them deleted. */
  endUsers?: number;
  /** Agents and admins per account (default 12), one of them without an email. */
  agents?: number;
}

/** Seeds both accounts; `nextId` hands out the ids (Zendesk ids are large integers). */
export function seedZendesk(seed: ZendeskSeed, nextId: () => number): ZendeskAccount[] {
  return ZENDESK_ACCOUNTS.map((a, n) => {
    const account: ZendeskAccount = {
      subdomain: a.subdomain,
      email: a.email,
      apiToken: a.apiToken,
      users: [],
      organizations: [],
      tickets: [],
      comments: [],
    };
    for (let o = 0; o < 4; o++) {
      account.organizations.push({
        id: nextId(),
        name: `${a.subdomain === 'acme' ? 'Acme' : 'Globex'} Branch ${o}`,
        created_s: ZENDESK_EPOCH - 86_400 * (o + 1),
        updated_s: ZENDESK_EPOCH - 3_600 * (o + 1),
      });
    }
    const agents = seed.agents ?? 12;
    for (let k = 0; k < agents; k++) {
      account.users.push({
        id: nextId(),
        name: `Agent ${k} ${a.subdomain}`,
        email: k === 5 ? null : `agent${k}@${a.subdomain}.test`,
        phone: k % 4 === 0 ? `+1650555${String(7000 + k + n * 100).padStart(4, '0')}` : null,
        role: k % 4 === 1 ? 'admin' : 'agent',
        active: true,
        organization_id: null,
        created_s: ZENDESK_EPOCH - 86_400,
        // Agents change among the end users, so an export interleaves them.
        updated_s: ZENDESK_EPOCH + k * 1_237 + n,
        time_zone: 'Pacific Time (US & Canada)',
        tags: [],
      });
    }
    const endUsers = seed.endUsers ?? 300;
    for (let i = 0; i < endUsers; i++) {
      const id = nextId();
      // Three users share each second, so the order's tie-breaker (the id) matters.
      const updated = ZENDESK_EPOCH + Math.floor(i / 3) * 61 + n;
      account.users.push({
        id,
        name: `${a.subdomain === 'acme' ? 'Ada' : 'Grace'} Customer ${i}`,
        email: i % 17 === 9 ? null : `customer${i}@${a.subdomain}.example`,
        phone: i % 13 === 4 ? null : typedPhone('212', '555', 1000 + i + n * 500, i),
        role: 'end-user',
        active: i % 23 !== 11,
        organization_id: i % 3 === 0 ? account.organizations[i % 4].id : null,
        created_s: updated - 86_400,
        updated_s: updated,
        time_zone: 'Eastern Time (US & Canada)',
        tags: i % 5 === 0 ? ['vip'] : [],
      });
      if (i % 4 === 1) {
        for (let t = 0; t < 3; t++) {
          const ticketId = nextId();
          const created = updated - (t + 1) * 3_600;
          account.tickets.push({
            id: ticketId,
            requester_id: id,
            subject: `Order ${i}-${t} did not arrive`,
            description: `Customer ${i} asks about order ${i}-${t}`,
            status: STATUSES[(i + t) % STATUSES.length],
            priority: PRIORITIES[(i + t) % PRIORITIES.length],
            type: t === 0 ? 'question' : t === 1 ? 'incident' : null,
            channel: t === 2 ? 'voice' : 'email',
            created_s: created,
            updated_s: created + 600,
          });
          account.comments.push(
            {
              id: nextId(),
              ticket_id: ticketId,
              author_id: id,
              body: `Customer ${i} asks about order ${i}-${t}`,
              public: true,
              created_s: created,
            },
            {
              id: nextId(),
              ticket_id: ticketId,
              author_id: account.users[0].id,
              body: 'Checked with the carrier',
              public: t !== 1,
              created_s: created + 600,
            },
          );
        }
      }
    }
    return account;
  });
}

/** The JSON the API writes for each record (Users, Tickets and Ticket Comments APIs, "JSON format"). */
export function userJson(account: ZendeskAccount, u: ZendeskUser) {
  const base = `https://${account.subdomain}.zendesk.com/api/v2`;
  return {
    id: u.id,
    url: `${base}/users/${u.id}.json`,
    name: u.name,
    email: u.email,
    phone: u.phone,
    shared_phone_number: u.phone ? false : null,
    role: u.role,
    active: u.active,
    verified: u.email !== null,
    suspended: false,
    organization_id: u.organization_id,
    time_zone: u.time_zone,
    locale: 'en-US',
    locale_id: 1,
    tags: u.tags,
    user_fields: {},
    external_id: null,
    alias: null,
    details: '',
    notes: '',
    photo: null,
    last_login_at: u.role === 'end-user' ? null : isoSeconds(u.updated_s),
    moderator: u.role === 'admin',
    only_private_comments: false,
    restricted_agent: u.role === 'agent',
    role_type: null,
    custom_role_id: null,
    shared: false,
    shared_agent: false,
    signature: null,
    ticket_restriction: u.role === 'end-user' ? 'requested' : null,
    created_at: isoSeconds(u.created_s),
    updated_at: isoSeconds(u.updated_s),
  };
}

export function ticketJson(account: ZendeskAccount, t: ZendeskTicket) {
  return {
    id: t.id,
    url: `https://${account.subdomain}.zendesk.com/api/v2/tickets/${t.id}.json`,
    subject: t.subject,
    raw_subject: t.subject,
    description: t.description,
    status: t.status,
    priority: t.priority,
    type: t.type,
    requester_id: t.requester_id,
    submitter_id: t.requester_id,
    via: { channel: t.channel },
    created_at: isoSeconds(t.created_s),
    updated_at: isoSeconds(t.updated_s),
  };
}

export function commentJson(c: ZendeskComment) {
  return {
    id: c.id,
    type: 'Comment',
    author_id: c.author_id,
    body: c.body,
    plain_body: c.body,
    html_body: `<div class="zd-comment"><p>${c.body}</p></div>`,
    public: c.public,
    created_at: isoSeconds(c.created_s),
  };
}
