import { ServerResponse } from 'node:http';
import { FakeHttpServer, FakeRequest, json } from './fake-http';
import {
  agentJson,
  companyJson,
  contactJson,
  conversationJson,
  FreshdeskAccount,
  FreshdeskContact,
  FreshdeskSeed,
  FreshdeskTicket,
  Send,
  seedFreshdesk,
  ticketJson,
  validation,
} from './fake-freshdesk-data';
import { parseContactQuery, QueryError } from './fake-freshdesk-search';
import { createTicket } from './fake-freshdesk-tickets';
import { basicCredentials, Clock, parseIso, RateWindows } from './vendor-kit';

/**
 * A stand-in for the Freshdesk API v2 (developers.freshdesk.com/api), as a real HTTP server.
 * Accounts are told apart by a path prefix, `/{domain}/api/v2/…`, since tests have no DNS for
 * `{domain}.freshdesk.com`. Each behaviour cites the section of the API reference it follows.
 */

export interface FreshdeskLimits {
  /** "Rate Limit": per account and minute, Growth 200, Pro 400, Enterprise 700 (trial 50). */
  perMinute: number;
  /** Endpoint limits within it: "Contacts List" Growth 20, Pro 100, Enterprise 200. */
  contactsListPerMinute: number;
  /** "Tickets List" (embedding included): Growth 20, Pro 100, Enterprise 200. */
  ticketsListPerMinute: number;
  /** "Ticket Create": Growth 80, Pro 160, Enterprise 280. */
  ticketCreatePerMinute: number;
  windowMs: number;
}

/** Growth, the plan most accounts start on. */
export const FRESHDESK_GROWTH: FreshdeskLimits = {
  perMinute: 200,
  contactsListPerMinute: 20,
  ticketsListPerMinute: 20,
  ticketCreatePerMinute: 80,
  windowMs: 60_000,
};

export class FakeFreshdesk {
  readonly accounts: FreshdeskAccount[];
  readonly server = new FakeHttpServer((req, res) => this.handle(req, res));
  limits: FreshdeskLimits = { ...FRESHDESK_GROWTH };
  clock: Clock = () => Date.now();
  readonly windows = new RateWindows(() => this.clock());
  /** Requests answered 429 so far. */
  rateLimited = 0;
  private seq = 43_000_100_000;

  constructor(seed: FreshdeskSeed = {}) {
    this.accounts = seedFreshdesk(seed, () => this.seq++, this.nowSeconds());
  }

  start(): Promise<FakeHttpServer> {
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  get baseUrl(): string {
    return `${this.server.origin}/{{ auth.domain }}/api/v2`;
  }

  account(i: 0 | 1): FreshdeskAccount {
    return this.accounts[i];
  }

  /** Resets the API key (Profile settings, "Reset API key"): the old one gets 401. */
  resetApiKey(i: 0 | 1): void {
    this.accounts[i].apiKey = `reset-${this.accounts[i].apiKey}`;
  }

  updateContact(i: 0 | 1, id: number, changes: Partial<FreshdeskContact>, at: number) {
    const contact = this.accounts[i].contacts.find((c) => c.id === id);
    if (!contact) throw new Error(`no contact ${id}`);
    return Object.assign(contact, changes, { updated_s: at });
  }

  addContact(i: 0 | 1, contact: Omit<FreshdeskContact, 'id'>): FreshdeskContact {
    const record = { ...contact, id: this.seq++ };
    this.accounts[i].contacts.push(record);
    return record;
  }

  nextId(): number {
    return this.seq++;
  }

  nowSeconds(): number {
    return Math.floor(this.clock() / 1000);
  }

  private async handle(req: FakeRequest, res: ServerResponse): Promise<void> {
    const match = /^\/([^/]+)\/api\/v2(\/.*)$/.exec(req.path);
    const account = match && this.accounts.find((a) => a.domain === match[1]);
    if (!match || !account) return json(res, 404, { code: 'account_not_found' });
    const route = match[2];
    const q = req.url.searchParams;
    const includes = (q.get('include') ?? '').split(',').filter(Boolean);
    // "Rate Limit": invalid requests count too; embedding (`include`) costs one more credit each.
    const cost = 1 + includes.length;
    const total = this.windows.take(
      `total:${account.domain}`,
      this.limits.perMinute,
      this.limits.windowMs,
      cost,
    );
    const endpoint = this.endpointLimit(req.method, route);
    const own = endpoint
      ? this.windows.take(
          `${endpoint.key}:${account.domain}`,
          endpoint.limit,
          this.limits.windowMs,
          cost,
        )
      : null;
    const headers: Record<string, string> = {
      'x-ratelimit-total': String(total.limit),
      'x-ratelimit-remaining': String(total.remaining),
      'x-ratelimit-used-currentrequest': String(cost),
    };
    const refused = !total.allowed ? total : own && !own.allowed ? own : null;
    if (refused) {
      // "Rate Limit": 429 with `Retry-After` in seconds.
      this.rateLimited++;
      const wait = String(Math.max(1, Math.ceil(refused.resetMs / 1000)));
      return json(
        res,
        429,
        { message: 'You have exceeded the limit of requests per minute' },
        { ...headers, 'retry-after': wait },
      );
    }
    const send: Send = (status, body, extra = {}) => {
      if (body === undefined) {
        res.writeHead(status, { ...headers, ...extra });
        return void res.end();
      }
      json(res, status, body, { ...headers, ...extra });
    };
    // "Authentication": HTTP Basic with the API key as the user name and any password (`X`).
    const creds = basicCredentials(req.headers);
    if (!creds || creds.user !== account.apiKey) {
      return send(401, {
        code: 'invalid_credentials',
        message: 'You have to be logged in to perform this action.',
      });
    }
    return this.route(account, route, req, send);
  }

  private endpointLimit(method: string, route: string): { key: string; limit: number } | null {
    if (method === 'GET' && route === '/contacts')
      return { key: 'contacts-list', limit: this.limits.contactsListPerMinute };
    if (method === 'GET' && route === '/tickets')
      return { key: 'tickets-list', limit: this.limits.ticketsListPerMinute };
    if (method === 'POST' && route === '/tickets')
      return { key: 'ticket-create', limit: this.limits.ticketCreatePerMinute };
    return null;
  }

  private route(account: FreshdeskAccount, route: string, req: FakeRequest, send: Send): void {
    let m: RegExpExecArray | null;
    if (req.method === 'GET' && route === '/agents/me') {
      return send(200, agentJson(account.agents[0]));
    }
    if (req.method === 'GET' && route === '/contacts') return this.listContacts(account, req, send);
    if (req.method === 'GET' && route === '/search/contacts')
      return this.searchContacts(account, req, send);
    if (req.method === 'GET' && (m = /^\/contacts\/(\d+)$/.exec(route))) {
      const contact = account.contacts.find((c) => c.id === Number(m![1]));
      return contact ? send(200, contactJson(contact)) : send(404);
    }
    if (req.method === 'GET' && (m = /^\/companies\/(\d+)$/.exec(route))) {
      // Companies, "View a Company"; a missing record is a 404 without a body ("Error").
      const company = account.companies.find((c) => c.id === Number(m![1]));
      return company ? send(200, companyJson(company)) : send(404);
    }
    if (req.method === 'GET' && route === '/agents') {
      const page = this.pageOf(req, send);
      if (!page) return;
      const agents = [...account.agents].sort((a, b) => a.id - b.id);
      return this.sendPage(req, agents.map(agentJson), page, send);
    }
    if (req.method === 'GET' && route === '/tickets') return this.listTickets(account, req, send);
    if (req.method === 'GET' && (m = /^\/tickets\/(\d+)\/conversations$/.exec(route))) {
      const id = Number(m[1]);
      if (!account.tickets.some((t) => t.id === id)) return send(404);
      const page = this.pageOf(req, send);
      if (!page) return;
      const conversations = account.conversations
        .filter((c) => c.ticket_id === id)
        .sort((a, b) => a.created_s - b.created_s || a.id - b.id);
      return this.sendPage(req, conversations.map(conversationJson), page, send);
    }
    if (req.method === 'POST' && route === '/tickets')
      return createTicket(this, account, req, send);
    return send(404, { code: 'invalid_url', message: 'The requested URL is not valid' });
  }

  /**
   * Contacts, "List All Contacts": not deleted unless `state=deleted`; filters `email`, `phone`,
   * `mobile` (exact, as stored), `company_id`, `_updated_since` (changed at or after). The
   * reference promises no order and none by update time: newest created first here.
   */
  private listContacts(account: FreshdeskAccount, req: FakeRequest, send: Send): void {
    const q = req.url.searchParams;
    const page = this.pageOf(req, send);
    if (!page) return;
    const since = q.get('_updated_since');
    const sinceS = since === null ? -Infinity : parseIso(since);
    if (Number.isNaN(sinceS)) {
      return send(
        400,
        validation('_updated_since', "It should be in the 'yyyy-mm-ddThh:mm:ssZ' format"),
      );
    }
    const state = q.get('state');
    const eq = (key: 'email' | 'phone' | 'mobile', c: FreshdeskContact) => {
      const wanted = q.get(key);
      if (wanted === null) return true;
      const values = key === 'email' ? [c.email, ...c.other_emails] : [c[key]];
      return values.some((v) => v !== null && v.toLowerCase() === wanted.toLowerCase());
    };
    const company = q.get('company_id');
    const contacts = account.contacts
      .filter((c) => (state === 'deleted' ? c.deleted : !c.deleted))
      .filter((c) => c.updated_s >= sinceS)
      .filter((c) => eq('email', c) && eq('phone', c) && eq('mobile', c))
      .filter((c) => company === null || c.company_id === Number(company))
      .sort((a, b) => b.created_s - a.created_s || b.id - a.id);
    return this.sendPage(req, contacts.map(contactJson), page, send);
  }

  /**
   * Contacts, "Filter Contacts": 30 results a page, `page` at most 10 (so at most 300 results a
   * query), `{ results, total }`; deleted contacts are left out. The reference says nothing of
   * the results' order (nor offers a sort): newest created first here, as "List All Contacts".
   * Seeded contacts change ten days after they are created, so this is newest changed first too.
   */
  private searchContacts(account: FreshdeskAccount, req: FakeRequest, send: Send): void {
    const q = req.url.searchParams;
    const page = Number(q.get('page') ?? 1);
    if (!Number.isInteger(page) || page < 1 || page > 10) {
      return send(
        400,
        validation('page', 'It should be a Positive Integer less than or equal to 10'),
      );
    }
    let predicate: (c: FreshdeskContact) => boolean;
    try {
      predicate = parseContactQuery(q.get('query') ?? '');
    } catch (error) {
      if (!(error instanceof QueryError)) throw error;
      return send(400, validation(error.field, error.message, error.code));
    }
    const found = account.contacts
      .filter((c) => !c.deleted && predicate(c))
      .sort((a, b) => b.created_s - a.created_s || b.id - a.id);
    return send(200, {
      results: found.slice((page - 1) * 30, page * 30).map(contactJson),
      total: found.length,
    });
  }

  /**
   * Tickets, "List All Tickets": by default only tickets created in the past 30 days; older ones
   * need `updated_since`. Filters `requester_id`, `email`, `company_id`; `order_by`
   * (`created_at`, `due_by`, `updated_at`, `status`) and `order_type` (default `desc`). Pages
   * past the 300th are refused.
   */
  private listTickets(account: FreshdeskAccount, req: FakeRequest, send: Send): void {
    const q = req.url.searchParams;
    const page = this.pageOf(req, send);
    if (!page) return;
    if (page.page > 300) {
      return send(
        400,
        validation(
          'page',
          'You cannot access tickets beyond the 300th page. Please provide a smaller page number.',
        ),
      );
    }
    const since = q.get('updated_since');
    const sinceS = since === null ? null : parseIso(since);
    if (Number.isNaN(sinceS))
      return send(400, validation('updated_since', 'It should be in the ISO 8601 format'));
    const orderBy = q.get('order_by') ?? 'created_at';
    const keys: Record<string, (t: FreshdeskTicket) => number> = {
      created_at: (t) => t.created_s,
      due_by: (t) => t.created_s + 86_400 * 3,
      updated_at: (t) => t.updated_s,
      status: (t) => t.status,
    };
    if (!keys[orderBy])
      return send(
        400,
        validation(
          'order_by',
          "It should be one of these values: 'created_at,due_by,updated_at,status'",
        ),
      );
    const asc = q.get('order_type') === 'asc';
    const requester = q.get('requester_id');
    const email = q.get('email')?.toLowerCase();
    const byEmail = email
      ? account.contacts.find((c) => c.email?.toLowerCase() === email)
      : undefined;
    const floor = sinceS ?? this.nowSeconds() - 30 * 86_400;
    const tickets = account.tickets
      .filter((t) => (sinceS === null ? t.created_s >= floor : t.updated_s >= floor))
      .filter((t) => requester === null || t.requester_id === Number(requester))
      .filter((t) => !email || t.requester_id === byEmail?.id)
      .sort((a, b) => (asc ? 1 : -1) * (keys[orderBy](a) - keys[orderBy](b)) || a.id - b.id);
    const withDescription = (q.get('include') ?? '').split(',').includes('description');
    return this.sendPage(
      req,
      tickets.map((t) => ticketJson(t, withDescription)),
      page,
      send,
    );
  }

  /** "Pagination": `page` from 1, `per_page` default 30 and at most 100. */
  private pageOf(req: FakeRequest, send: Send): { page: number; perPage: number } | null {
    const q = req.url.searchParams;
    const page = Number(q.get('page') ?? 1);
    const perPage = Number(q.get('per_page') ?? 30);
    if (!Number.isInteger(page) || page < 1) {
      send(400, validation('page', 'It should be a Positive Integer'));
      return null;
    }
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) {
      send(
        400,
        validation('per_page', 'It should be a Positive Integer less than or equal to 100'),
      );
      return null;
    }
    return { page, perPage };
  }

  /** A JSON array; a `Link: <…page=n+1>; rel="next"` header while more pages follow. */
  private sendPage(
    req: FakeRequest,
    items: unknown[],
    p: { page: number; perPage: number },
    send: Send,
  ) {
    const slice = items.slice((p.page - 1) * p.perPage, p.page * p.perPage);
    const extra: Record<string, string> = {};
    if (p.page * p.perPage < items.length) {
      const next = new URL(req.url.toString());
      next.searchParams.set('page', String(p.page + 1));
      extra.link = `<${next.toString()}>; rel="next"`;
    }
    return send(200, slice, extra);
  }
}
