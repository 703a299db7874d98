import { isoSeconds, typedPhone } from './vendor-kit';

/**
 * Records of the Freshdesk stand-in (`fake-freshdesk.ts`), their seed and the JSON the API
 * writes for them (developers.freshdesk.com/api: Contacts, Companies, Agents, Tickets,
 * Conversations). Times are whole epoch seconds: the API writes `2015-08-18T16:18:14Z`.
 */

export interface FreshdeskContact {
  id: number;
  name: string;
  email: string | null;
  other_emails: string[];
  /** `phone` and `mobile` hold what was typed; nothing normalizes them. */
  phone: string | null;
  mobile: string | null;
  company_id: number | null;
  job_title: string | null;
  deleted: boolean;
  created_s: number;
  updated_s: number;
}

export interface FreshdeskCompany {
  id: number;
  name: string;
  domains: string[];
  created_s: number;
  updated_s: number;
}

export interface FreshdeskAgent {
  id: number;
  name: string;
  email: string | null;
  phone: string | null;
  active: boolean;
  created_s: number;
  updated_s: number;
}

/** Tickets, "Status": 2 Open, 3 Pending, 4 Resolved, 5 Closed. "Priority": 1 Low … 4 Urgent. */
export interface FreshdeskTicket {
  id: number;
  requester_id: number;
  subject: string;
  description: string;
  status: 2 | 3 | 4 | 5;
  priority: 1 | 2 | 3 | 4;
  /** "Source": 1 Email, 2 Portal, 3 Phone, 7 Chat, 9 Feedback Widget, 10 Outbound Email. */
  source: 1 | 2 | 3 | 7 | 9 | 10;
  company_id: number | null;
  created_s: number;
  updated_s: number;
}

export interface FreshdeskConversation {
  id: number;
  ticket_id: number;
  user_id: number;
  body_text: string;
  incoming: boolean;
  private: boolean;
  /** Conversations, "source": 0 Reply, 2 Note. */
  source: 0 | 2;
  created_s: number;
}

export interface FreshdeskAccount {
  domain: string;
  apiKey: string;
  contacts: FreshdeskContact[];
  companies: FreshdeskCompany[];
  agents: FreshdeskAgent[];
  tickets: FreshdeskTicket[];
  conversations: FreshdeskConversation[];
}

export const FRESHDESK_ACCOUNTS = [
  { domain: 'initech', apiKey: 'fd-initech-Zq81nB5cXr2p' },
  { domain: 'umbrella', apiKey: 'fd-umbrella-W3mT9yKd0s4e' },
] as const;

/** What a user types into Talkdesk for account `i`. */
export const freshdeskCredentials = (i: 0 | 1) => ({
  domain: FRESHDESK_ACCOUNTS[i].domain,
  api_key: FRESHDESK_ACCOUNTS[i].apiKey,
});

/** 2024-03-01T00:00:00Z in epoch seconds: seeded contacts change after it. */
export const FRESHDESK_EPOCH = Date.UTC(2024, 2, 1) / 1000;

export interface FreshdeskSeed {
  contacts?: number;
  agents?: number;
}

export function seedFreshdesk(
  seed: FreshdeskSeed,
  nextId: () => number,
  nowSeconds: number,
): FreshdeskAccount[] {
  return FRESHDESK_ACCOUNTS.map((a, n) => {
    const account: FreshdeskAccount = {
      domain: a.domain,
      apiKey: a.apiKey,
      contacts: [],
      companies: [],
      agents: [],
      tickets: [],
      conversations: [],
    };
    for (let c = 0; c < 5; c++) {
      account.companies.push({
        id: nextId(),
        name: `${a.domain === 'initech' ? 'Initech' : 'Umbrella'} ${['Labs', 'Retail', 'Logistics', 'Health', 'Energy'][c]}`,
        domains: [`${a.domain}${c}.example`],
        created_s: FRESHDESK_EPOCH - 86_400 * 30,
        updated_s: FRESHDESK_EPOCH - 86_400,
      });
    }
    for (let k = 0; k < (seed.agents ?? 10); k++) {
      account.agents.push({
        id: nextId(),
        name: `Agent ${k} ${a.domain}`,
        email: k === 3 ? null : `agent${k}@${a.domain}.test`,
        phone: k % 3 === 0 ? typedPhone('408', '555', 3000 + k + n * 50, k) : null,
        active: true,
        created_s: FRESHDESK_EPOCH - 86_400 * 60,
        updated_s: FRESHDESK_EPOCH - 86_400 * 2 + k,
      });
    }
    const count = seed.contacts ?? 300;
    for (let i = 0; i < count; i++) {
      const id = nextId();
      // Four contacts share each second; the changes spread over about two weeks.
      const updated = FRESHDESK_EPOCH + Math.floor(i / 4) * 4_003 + n;
      account.contacts.push({
        id,
        name: `${a.domain === 'initech' ? 'Milton' : 'Jill'} Contact ${i}`,
        email: i % 19 === 7 ? null : `contact${i}@${a.domain}.example`,
        other_emails: i % 6 === 0 ? [`c${i}.personal@mail.example`] : [],
        phone: i % 11 === 3 ? null : typedPhone('312', '555', 2000 + i + n * 500, i),
        mobile: i % 4 === 2 ? typedPhone('773', '555', 6000 + i + n * 500, i + 1) : null,
        company_id: i % 3 === 0 ? account.companies[i % 5].id : null,
        job_title: i % 5 === 0 ? 'Procurement' : null,
        deleted: i % 37 === 20,
        created_s: updated - 86_400 * 10,
        updated_s: updated,
      });
      if (i % 5 === 1) {
        for (let t = 0; t < 2; t++) {
          // One ticket a year old, one from last week: the list's 30-day default hides the first.
          const created = t === 0 ? updated - 3_600 : nowSeconds - 86_400 * 7 - i * 60;
          const ticketId = nextId();
          account.tickets.push({
            id: ticketId,
            requester_id: id,
            subject: `Printer ${i}-${t} jammed`,
            description: `Contact ${i} reports printer ${i}-${t} jammed`,
            status: ([2, 3, 4, 5] as const)[(i + t) % 4],
            priority: ([1, 2, 3, 4] as const)[(i + t) % 4],
            source: ([1, 3, 2, 7] as const)[(i + t) % 4],
            company_id: i % 3 === 0 ? account.companies[i % 5].id : null,
            created_s: created,
            updated_s: created + 900,
          });
          account.conversations.push(
            {
              id: nextId(),
              ticket_id: ticketId,
              user_id: account.agents[0].id,
              body_text: 'We are sending a technician',
              incoming: false,
              private: false,
              source: 0,
              created_s: created + 600,
            },
            {
              id: nextId(),
              ticket_id: ticketId,
              user_id: account.agents[account.agents.length > 1 ? 1 : 0].id,
              body_text: 'Second jam this month',
              incoming: false,
              private: true,
              source: 2,
              created_s: created + 900,
            },
          );
        }
      }
    }
    return account;
  });
}

/** Contacts, "Contact attributes". */
export function contactJson(c: FreshdeskContact) {
  return {
    id: c.id,
    name: c.name,
    email: c.email,
    other_emails: c.other_emails,
    phone: c.phone,
    mobile: c.mobile,
    company_id: c.company_id,
    view_all_tickets: false,
    job_title: c.job_title,
    language: 'en',
    time_zone: 'Central Time (US & Canada)',
    active: c.email !== null,
    address: null,
    description: null,
    twitter_id: null,
    unique_external_id: null,
    tags: [],
    custom_fields: {},
    created_at: isoSeconds(c.created_s),
    updated_at: isoSeconds(c.updated_s),
    ...(c.deleted ? { deleted: true } : {}),
  };
}

/** Companies, "Company attributes". */
export function companyJson(c: FreshdeskCompany) {
  return {
    id: c.id,
    name: c.name,
    description: null,
    domains: c.domains,
    note: null,
    health_score: null,
    account_tier: null,
    industry: null,
    custom_fields: {},
    created_at: isoSeconds(c.created_s),
    updated_at: isoSeconds(c.updated_s),
  };
}

/** Agents, "Agent attributes": the person is under `contact`. */
export function agentJson(a: FreshdeskAgent) {
  return {
    id: a.id,
    available: true,
    occasional: false,
    ticket_scope: 1,
    signature: null,
    group_ids: [],
    role_ids: [],
    type: 'support_agent',
    contact: {
      active: a.active,
      email: a.email,
      job_title: null,
      language: 'en',
      mobile: null,
      name: a.name,
      phone: a.phone,
      time_zone: 'Central Time (US & Canada)',
      created_at: isoSeconds(a.created_s),
      updated_at: isoSeconds(a.updated_s),
    },
    created_at: isoSeconds(a.created_s),
    updated_at: isoSeconds(a.updated_s),
  };
}

/** Tickets, "Ticket attributes"; `description` only with `include=description` on lists. */
export function ticketJson(t: FreshdeskTicket, withDescription: boolean) {
  return {
    id: t.id,
    subject: t.subject,
    ...(withDescription
      ? { description: `<div>${t.description}</div>`, description_text: t.description }
      : {}),
    status: t.status,
    priority: t.priority,
    source: t.source,
    type: null,
    requester_id: t.requester_id,
    responder_id: null,
    company_id: t.company_id,
    group_id: null,
    tags: [],
    is_escalated: false,
    due_by: isoSeconds(t.created_s + 86_400 * 3),
    fr_due_by: isoSeconds(t.created_s + 86_400),
    created_at: isoSeconds(t.created_s),
    updated_at: isoSeconds(t.updated_s),
  };
}

/** Conversations, "Conversation attributes". */
export function conversationJson(c: FreshdeskConversation) {
  return {
    id: c.id,
    ticket_id: c.ticket_id,
    user_id: c.user_id,
    body: `<div>${c.body_text}</div>`,
    body_text: c.body_text,
    incoming: c.incoming,
    private: c.private,
    source: c.source,
    attachments: [],
    created_at: isoSeconds(c.created_s),
    updated_at: isoSeconds(c.created_s),
  };
}

export type Send = (status: number, body?: unknown, headers?: Record<string, string>) => void;

/** "Error": `{ description: 'Validation failed', errors: [{ field, message, code }] }`. */
export const validation = (field: string, message: string, code = 'invalid_value') => ({
  description: 'Validation failed',
  errors: [{ field, message, code }],
});
