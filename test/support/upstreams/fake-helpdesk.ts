import { ServerResponse } from 'node:http';
import { FakeHttpServer, FakeRequest, json } from './fake-http';

/**
 * A help desk API, as a real HTTP server: accounts by subdomain (in the path, since tests have
 * no DNS), HTTP Basic with `email/token:api_token`, contacts with an incremental export
 * (`start_time` in epoch seconds, opaque cursors, oldest first), agents paged by cursor, contact
 * search by email or phone, tickets (cursor paged) and notes per contact, and actions creating
 * tickets and contacts.
 */

export interface HelpdeskContact {
  id: number;
  name: string;
  email: string | null;
  secondary_emails: string[];
  phone: string | null;
  organization: { name: string } | null;
  job_title: string | null;
  twitter: string | null;
  tier: string | null;
  updated_ms: number;
}

export interface HelpdeskTicket {
  id: number;
  requester_id: number;
  subject: string;
  description: string;
  status: string;
  priority: string | null;
  created_ms: number;
}

export interface HelpdeskNote {
  id: number;
  contact_id: number;
  body: string;
  created_ms: number;
}

export interface HelpdeskUser {
  id: number;
  name: string;
  email: string | null;
  role: string;
}

export interface HelpdeskAccount {
  subdomain: string;
  email: string;
  apiToken: string;
  accountId: string;
  contacts: HelpdeskContact[];
  users: HelpdeskUser[];
  tickets: HelpdeskTicket[];
  notes: HelpdeskNote[];
}

export const HELPDESK_ACCOUNTS = [
  { subdomain: 'acme', email: 'agent@acme.test', apiToken: 'acme-api-token-5f2b9c' },
  { subdomain: 'globex', email: 'admin@globex.test', apiToken: 'globex-api-token-81d4e0' },
] as const;

export const credentialsOf = (i: 0 | 1) => ({
  subdomain: HELPDESK_ACCOUNTS[i].subdomain,
  email: HELPDESK_ACCOUNTS[i].email,
  api_token: HELPDESK_ACCOUNTS[i].apiToken,
});

const STATUSES = ['new', 'open', 'hold', 'solved', 'closed', 'pending'];
const PRIORITIES = ['p1', 'p2', 'p3', 'p4', null];
const BASE = Date.UTC(2024, 0, 1);

const iso = (ms: number) => new Date(ms).toISOString();

function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeCursor<T>(text: string | null): T | null {
  if (!text) return null;
  try {
    return JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as T;
  } catch {
    return null;
  }
}

export class FakeHelpdesk {
  readonly accounts: HelpdeskAccount[] = [];
  private nextId = 1000;
  readonly server = new FakeHttpServer((req, res) => this.handle(req, res));
  /** Contacts' export page size when the request does not say. */
  exportPageSize = 100;
  /** Largest export page, whatever the request asks. */
  exportMaxPageSize = 1000;
  /** Misbehaviour: each export page repeats the last contact of the page before. */
  exportOverlap = false;

  constructor(options: { contacts?: number; users?: number } = {}) {
    const count = options.contacts ?? 300;
    HELPDESK_ACCOUNTS.forEach((a, n) => {
      const account: HelpdeskAccount = {
        subdomain: a.subdomain,
        email: a.email,
        apiToken: a.apiToken,
        accountId: `acct-${a.subdomain}`,
        contacts: [],
        users: [],
        tickets: [],
        notes: [],
      };
      this.accounts.push(account);
      for (let i = 0; i < count; i++) {
        // Three contacts share each instant; half the instants have milliseconds.
        const updated = BASE + Math.floor(i / 3) * 61_500 + n * 7;
        const id = this.id();
        account.contacts.push({
          id,
          name: `${a.subdomain === 'acme' ? 'Ada' : 'Grace'} Person ${i}`,
          email: i % 11 === 5 ? null : `person${i}@${a.subdomain}.example`,
          secondary_emails: i % 7 === 0 ? [`p${i}.alt@${a.subdomain}.example`] : [],
          phone: i % 13 === 6 ? null : `+1 415 555 ${String(1000 + i + n * 500).padStart(4, '0')}`,
          organization: i % 3 === 0 ? { name: `${a.subdomain} Corp` } : null,
          job_title: i % 4 === 0 ? 'Buyer' : null,
          twitter: null,
          tier: i % 5 === 0 ? 'Gold' : null,
          updated_ms: updated,
        });
        if (i % 4 === 1) {
          for (let t = 0; t < 3; t++) {
            account.tickets.push({
              id: this.id(),
              requester_id: id,
              subject: `Ticket ${t} of ${i}`,
              description: `About order ${i}-${t}`,
              status: STATUSES[(i + t) % STATUSES.length],
              priority: PRIORITIES[(i + t) % PRIORITIES.length],
              created_ms: updated - (t + 1) * 3_600_000,
            });
          }
          account.notes.push({
            id: this.id(),
            contact_id: id,
            body: `Called back about ${i}`,
            created_ms: updated - 1_800_000,
          });
        }
      }
      for (let u = 0; u < (options.users ?? 25); u++) {
        account.users.push({
          id: this.id(),
          name: `Agent ${u} of ${a.subdomain}`,
          email: u === 7 ? null : `agent${u}@${a.subdomain}.test`,
          role: u % 5 === 0 ? 'admin' : 'agent',
        });
      }
    });
  }

  private id(): number {
    return this.nextId++;
  }

  start(): Promise<FakeHttpServer> {
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** The manifest's base URL for this server (subdomain in the path). */
  get baseUrl(): string {
    return `${this.server.origin}/{{ auth.subdomain }}/api/v2`;
  }

  account(i: 0 | 1): HelpdeskAccount {
    return this.accounts[i];
  }

  /** Writes a contact directly into the help desk (as its own users would). */
  addContact(
    i: 0 | 1,
    contact: { name: string; emails: string[]; phones: string[]; updatedAt: number },
  ): HelpdeskContact {
    const record: HelpdeskContact = {
      id: this.id(),
      name: contact.name,
      email: contact.emails[0] ?? null,
      secondary_emails: contact.emails.slice(1),
      phone: contact.phones[0] ?? null,
      organization: null,
      job_title: null,
      twitter: null,
      tier: null,
      updated_ms: contact.updatedAt,
    };
    this.accounts[i].contacts.push(record);
    return record;
  }

  private authenticate(req: FakeRequest, account: HelpdeskAccount): boolean {
    const header = req.headers.authorization ?? '';
    const match = /^Basic (.+)$/.exec(header);
    if (!match) return false;
    const [user, ...rest] = Buffer.from(match[1], 'base64').toString('utf8').split(':');
    return user === `${account.email}/token` && rest.join(':') === account.apiToken;
  }

  private contactJson(c: HelpdeskContact) {
    return {
      id: c.id,
      name: c.name,
      email: c.email,
      secondary_emails: c.secondary_emails,
      phone: c.phone,
      organization: c.organization,
      job_title: c.job_title,
      twitter: c.twitter,
      user_fields: { tier: c.tier },
      updated_at: iso(c.updated_ms),
    };
  }

  private async handle(req: FakeRequest, res: ServerResponse): Promise<void> {
    const match = /^\/([^/]+)\/api\/v2(\/.*)$/.exec(req.path);
    const account =
      match && this.accounts.find((a) => a.subdomain === decodeURIComponent(match[1]));
    if (!match || !account) return json(res, 404, { error: 'NoSuchAccount' });
    if (!this.authenticate(req, account)) {
      return json(res, 401, { error: { title: 'Couldn’t authenticate you' } });
    }
    const route = match[2];
    const q = req.url.searchParams;
    let m: RegExpExecArray | null;

    if (req.method === 'GET' && route === '/users/me') {
      return json(res, 200, {
        user: { id: 1, email: account.email, name: 'Me', account_id: account.accountId },
      });
    }
    if (req.method === 'GET' && route === '/contacts/export') {
      return this.exportContacts(account, req, res);
    }
    if (req.method === 'GET' && route === '/agents') {
      const size = Math.min(100, Number(q.get('per_page') ?? 10));
      const after = decodeCursor<{ id: number }>(q.get('cursor'));
      const sorted = [...account.users].sort((a, b) => a.id - b.id);
      const rest = after ? sorted.filter((u) => u.id > after.id) : sorted;
      const page = rest.slice(0, size);
      const hasMore = rest.length > size;
      return json(res, 200, {
        users: page,
        meta: {
          has_more: hasMore,
          after_cursor: hasMore ? encodeCursor({ id: page[page.length - 1].id }) : null,
        },
      });
    }
    if (req.method === 'GET' && route === '/contacts/search') {
      const email = q.get('email')?.trim().toLowerCase();
      const phone = q.get('phone')?.replace(/\D/g, '');
      const found = account.contacts.filter((c) => {
        if (email) {
          return [c.email, ...c.secondary_emails].some((e) => e?.toLowerCase() === email);
        }
        if (phone && phone.length >= 7) {
          const digits = (c.phone ?? '').replace(/\D/g, '');
          return (
            digits.length >= 7 &&
            (digits.endsWith(phone.slice(-10)) || phone.endsWith(digits.slice(-10)))
          );
        }
        return false;
      });
      return json(res, 200, {
        contacts: found.map((c) => this.contactJson(c)),
        count: found.length,
      });
    }
    if (req.method === 'GET' && (m = /^\/contacts\/(\d+)$/.exec(route))) {
      const contact = account.contacts.find((c) => c.id === Number(m![1]));
      return contact
        ? json(res, 200, { contact: this.contactJson(contact) })
        : json(res, 404, { error: 'RecordNotFound' });
    }
    if (req.method === 'GET' && (m = /^\/contacts\/(\d+)\/tickets$/.exec(route))) {
      const id = Number(m[1]);
      if (!account.contacts.some((c) => c.id === id))
        return json(res, 404, { error: 'RecordNotFound' });
      const size = Number(q.get('page[size]') ?? 2);
      const after = decodeCursor<{ n: number }>(q.get('page[after]'))?.n ?? 0;
      const all = account.tickets
        .filter((t) => t.requester_id === id)
        .sort((a, b) => b.created_ms - a.created_ms);
      const page = all.slice(after, after + size);
      const more = after + size < all.length;
      return json(res, 200, {
        tickets: page.map((t) => ({
          id: t.id,
          subject: t.subject,
          description: t.description,
          status: t.status,
          priority: t.priority,
          created_at: iso(t.created_ms),
          via: { channel: 'email' },
        })),
        meta: { has_more: more, after_cursor: more ? encodeCursor({ n: after + size }) : null },
      });
    }
    if (req.method === 'GET' && (m = /^\/contacts\/(\d+)\/notes$/.exec(route))) {
      const id = Number(m[1]);
      if (!account.contacts.some((c) => c.id === id))
        return json(res, 404, { error: 'RecordNotFound' });
      return json(res, 200, {
        notes: account.notes
          .filter((n) => n.contact_id === id)
          .map((n) => ({ id: n.id, body: n.body, created_at: Math.floor(n.created_ms / 1000) })),
      });
    }
    if (req.method === 'POST' && route === '/tickets') {
      const t = req.body?.ticket;
      const requester = Number(t?.requester_id);
      if (!t?.subject) return json(res, 422, { error: { message: 'Subject: cannot be blank' } });
      if (!account.contacts.some((c) => c.id === requester)) {
        return json(res, 422, {
          error: { message: `Requester ${String(t?.requester_id)} not found` },
        });
      }
      const ticket: HelpdeskTicket = {
        id: this.id(),
        requester_id: requester,
        subject: String(t.subject),
        description: String(t.description ?? ''),
        status: 'new',
        priority: t.priority ? String(t.priority) : null,
        created_ms: Date.now(),
      };
      account.tickets.push(ticket);
      return json(res, 201, {
        ticket: {
          id: ticket.id,
          url: `https://${account.subdomain}.helpdesk.example/tickets/${ticket.id}`,
        },
      });
    }
    if (req.method === 'POST' && route === '/contacts') {
      const c = req.body?.contact;
      if (!c?.name) return json(res, 422, { error: { message: 'Name: cannot be blank' } });
      const contact = this.addContact(this.accounts.indexOf(account) as 0 | 1, {
        name: String(c.name),
        emails: c.email ? [String(c.email)] : [],
        phones: c.phone ? [String(c.phone)] : [],
        updatedAt: Date.now(),
      });
      if (c.company) contact.organization = { name: String(c.company) };
      return json(res, 201, { contact: this.contactJson(contact) });
    }
    return json(res, 404, { error: 'InvalidEndpoint' });
  }

  /** Incremental export: contacts changed at or after start_time (epoch s), oldest first. */
  private exportContacts(account: HelpdeskAccount, req: FakeRequest, res: ServerResponse) {
    const q = req.url.searchParams;
    const size = Math.min(this.exportMaxPageSize, Number(q.get('per_page') ?? this.exportPageSize));
    const cursor = decodeCursor<{ s: number; u: number; i: number }>(q.get('cursor'));
    const start = cursor ? cursor.s : Number(q.get('start_time') ?? 0);
    if (!Number.isFinite(start)) return json(res, 400, { error: 'start_time must be a number' });
    const sorted = account.contacts
      .filter((c) => c.updated_ms >= start * 1000)
      .sort((a, b) => a.updated_ms - b.updated_ms || a.id - b.id);
    const rest = cursor
      ? sorted.filter(
          (c) =>
            c.updated_ms > cursor.u ||
            (c.updated_ms === cursor.u &&
              (this.exportOverlap ? c.id >= cursor.i : c.id > cursor.i)),
        )
      : sorted;
    const page = rest.slice(0, size);
    const last = page[page.length - 1];
    const end = rest.length <= size;
    return json(res, 200, {
      contacts: page.map((c) => this.contactJson(c)),
      after_cursor: last ? encodeCursor({ s: start, u: last.updated_ms, i: last.id }) : null,
      end_of_stream: end,
    });
  }
}
