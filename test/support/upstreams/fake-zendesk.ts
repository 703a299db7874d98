import { ServerResponse } from 'node:http';
import { FakeHttpServer, FakeRequest, json } from './fake-http';
import {
  commentJson,
  seedZendesk,
  ticketJson,
  userJson,
  ZendeskAccount,
  ZendeskPriority,
  ZendeskSeed,
  ZendeskTicket,
  ZendeskUser,
} from './fake-zendesk-data';
import { cursorExport, ExportContext, timeExport } from './fake-zendesk-export';
import { offsetPage, page, Send, sortBy } from './fake-zendesk-paging';
import { parseUserQuery, userMatches } from './fake-zendesk-search';
import { basicCredentials, Clock, isoSeconds, RateWindows } from './vendor-kit';

/**
 * A stand-in for the Zendesk Support API (developer.zendesk.com/api-reference), as a real HTTP
 * server. Accounts are told apart by a path prefix, `/{subdomain}/api/v2/…`, since tests have no
 * DNS for `{subdomain}.zendesk.com`. Each behaviour cites the documentation section it follows.
 */

const MINUTE_MS = 60_000;

export interface ZendeskLimits {
  /** Account-wide requests per minute. Rate limits, "Zendesk Suite plan limits": Team 200, Growth and Professional 400, Enterprise 700, Enterprise Plus 2,500. */
  perMinute: number;
  /** Incremental Exports: "You can make up to 10 requests per minute to these endpoints" (30 with the High Volume add-on). */
  incrementalPerMinute: number;
  /** Length of a rate-limit window: a minute in Zendesk; tests shorten it. */
  windowMs: number;
}

export class FakeZendesk {
  readonly accounts: ZendeskAccount[];
  readonly server = new FakeHttpServer((req, res) => this.handle(req, res));
  limits: ZendeskLimits = { perMinute: 700, incrementalPerMinute: 10, windowMs: MINUTE_MS };
  /** The stand-in's clock (epoch ms): rate windows and the export's "last minute" use it. */
  clock: Clock = () => Date.now();
  readonly windows = new RateWindows(() => this.clock());
  /** Requests answered 429 so far. */
  rateLimited = 0;
  private seq = 360_000_000_000;

  constructor(seed: ZendeskSeed = {}) {
    this.accounts = seedZendesk(seed, () => this.seq++);
  }

  start(): Promise<FakeHttpServer> {
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** The manifest's base URL for this server. */
  get baseUrl(): string {
    return `${this.server.origin}/{{ auth.subdomain }}/api/v2`;
  }

  account(i: 0 | 1): ZendeskAccount {
    return this.accounts[i];
  }

  /** Revokes the account's API token (Admin Center, "Deleting API tokens"): the next request gets 401. */
  revokeToken(i: 0 | 1): void {
    this.accounts[i].apiToken = `revoked-${this.accounts[i].apiToken}`;
  }

  /** Changes a user as an agent would in the UI; `at` is the new `updated_at` in epoch seconds. */
  updateUser(i: 0 | 1, id: number, changes: Partial<ZendeskUser>, at: number): ZendeskUser {
    const user = this.accounts[i].users.find((u) => u.id === id);
    if (!user) throw new Error(`no user ${id}`);
    Object.assign(user, changes, { updated_s: at });
    return user;
  }

  addUser(i: 0 | 1, user: Omit<ZendeskUser, 'id'>): ZendeskUser {
    const record = { ...user, id: this.seq++ };
    this.accounts[i].users.push(record);
    return record;
  }

  private nowSeconds(): number {
    return Math.floor(this.clock() / 1000);
  }

  private exportContext(account: ZendeskAccount): ExportContext {
    return {
      users: account.users,
      nowSeconds: () => this.nowSeconds(),
      view: (u) => userJson(account, u),
    };
  }

  private async handle(req: FakeRequest, res: ServerResponse): Promise<void> {
    const match = /^\/([^/]+)\/api\/v2(\/[^.]*?)(\.json)?$/.exec(req.path);
    const account = match && this.accounts.find((a) => a.subdomain === match[1]);
    // An unknown subdomain answers 404 ("Help Center closed" page in reality; JSON here).
    if (!match || !account) return json(res, 404, { error: 'InvalidEndpoint' });
    const route = match[2];
    const creds = basicCredentials(req.headers);
    // Security and authentication, "API token": `{email_address}/token:{api_token}`.
    if (!creds) {
      // Users API, "Show Self": allowed for anyone; without credentials it shows the anonymous user.
      if (req.method === 'GET' && route === '/users/me') {
        return json(res, 200, {
          user: {
            id: null,
            url: null,
            name: 'Anonymous user',
            email: 'invalid@example.com',
            role: 'end-user',
          },
        });
      }
      return json(res, 401, { error: "Couldn't authenticate you" });
    }
    if (creds.user !== `${account.email}/token` || creds.password !== account.apiToken) {
      return json(res, 401, { error: "Couldn't authenticate you" });
    }
    const incremental = route.startsWith('/incremental/');
    const headers = this.rateLimit(account, incremental, res);
    if (!headers) return;
    return this.route(account, route, req, res, headers);
  }

  /**
   * Rate limits: account-wide per minute, plus the incremental exports' own limit. Every answer
   * carries `X-Rate-Limit` / `X-Rate-Limit-Remaining` and, on ticketing APIs, `ratelimit-*`
   * ("Monitoring your request activity"); over the limit "the API responds with a 429 Too Many
   * Requests status code" and a `Retry-After` in seconds.
   */
  private rateLimit(
    account: ZendeskAccount,
    incremental: boolean,
    res: ServerResponse,
  ): Record<string, string> | null {
    const { perMinute, incrementalPerMinute, windowMs } = this.limits;
    const take = this.windows.take(`account:${account.subdomain}`, perMinute, windowMs);
    const exports = incremental
      ? this.windows.take(`incremental:${account.subdomain}`, incrementalPerMinute, windowMs)
      : null;
    const resets = String(Math.ceil(take.resetMs / 1000));
    const headers: Record<string, string> = {
      'x-rate-limit': String(take.limit),
      'x-rate-limit-remaining': String(take.remaining),
      'ratelimit-limit': String(take.limit),
      'ratelimit-remaining': String(take.remaining),
      'ratelimit-reset': resets,
    };
    const refused = !take.allowed ? take : exports && !exports.allowed ? exports : null;
    if (refused) {
      this.rateLimited++;
      json(
        res,
        429,
        {
          error: 'APIRateLimitExceeded',
          description: exports
            ? 'Number of allowed incremental export API requests per minute exceeded'
            : 'Number of allowed API requests per minute exceeded',
        },
        { ...headers, 'retry-after': String(Math.max(1, Math.ceil(refused.resetMs / 1000))) },
      );
      return null;
    }
    return headers;
  }

  private route(
    account: ZendeskAccount,
    route: string,
    req: FakeRequest,
    res: ServerResponse,
    headers: Record<string, string>,
  ): void {
    const q = req.url.searchParams;
    let m: RegExpExecArray | null;
    const send = (status: number, body: unknown) => json(res, status, body, headers);
    if (req.method === 'GET' && route === '/users/me') {
      const me = account.users.find((u) => u.email === account.email);
      return send(200, {
        user: me ? userJson(account, me) : { id: 1, email: account.email, role: 'admin' },
      });
    }
    if (req.method === 'GET' && route === '/incremental/users/cursor') {
      return cursorExport(this.exportContext(account), req, send);
    }
    if (req.method === 'GET' && route === '/incremental/users') {
      return timeExport(this.exportContext(account), req, send);
    }
    if (req.method === 'GET' && route === '/users') {
      // Users API, "List Users": `role` filters one role, `role[]` repeated filters several
      // (`role[]=agent&role[]=admin`); a comma list is not a role and matches nothing.
      const roles = q.getAll('role[]').length ? q.getAll('role[]') : q.getAll('role');
      const users = account.users
        .filter((u) => u.active && (roles.length === 0 || roles.includes(u.role)))
        .sort((a, b) => a.id - b.id);
      return page(req, users, 'users', (u) => userJson(account, u), send);
    }
    if (req.method === 'GET' && route === '/users/search') {
      const query = q.get('query');
      const external = q.get('external_id');
      if (!query && !external) {
        return send(400, {
          error: 'InvalidSearchParameter',
          description: 'query or external_id is required',
        });
      }
      const terms = query ? parseUserQuery(query) : [];
      const found = account.users.filter((u) => u.active && userMatches(u, terms));
      return offsetPage(req, found, 'users', (u) => userJson(account, u), send);
    }
    if (req.method === 'GET' && (m = /^\/users\/(\d+)$/.exec(route))) {
      const user = account.users.find((u) => u.id === Number(m![1]));
      return user
        ? send(200, { user: userJson(account, user) })
        : send(404, { error: 'RecordNotFound', description: 'Not found' });
    }
    if (req.method === 'GET' && (m = /^\/organizations\/(\d+)$/.exec(route))) {
      // Organizations API, "Show Organization".
      const org = account.organizations.find((o) => o.id === Number(m![1]));
      return org
        ? send(200, {
            organization: {
              id: org.id,
              name: org.name,
              created_at: isoSeconds(org.created_s),
              updated_at: isoSeconds(org.updated_s),
            },
          })
        : send(404, { error: 'RecordNotFound', description: 'Not found' });
    }
    if (req.method === 'GET' && (m = /^\/users\/(\d+)\/tickets\/requested$/.exec(route))) {
      // Tickets API, "List Tickets" (`/users/{user_id}/tickets/requested`).
      const id = Number(m[1]);
      if (!account.users.some((u) => u.id === id)) {
        return send(404, { error: 'RecordNotFound', description: 'Not found' });
      }
      const tickets = sortBy(
        account.tickets.filter((t) => t.requester_id === id),
        q.get('sort') ?? 'id',
        { id: (t) => t.id, created_at: (t) => t.created_s, updated_at: (t) => t.updated_s },
      );
      if (!tickets)
        return send(400, { error: 'InvalidPaginationParameter', description: 'sort is not valid' });
      return page(req, tickets, 'tickets', (t) => ticketJson(account, t), send);
    }
    if (req.method === 'GET' && (m = /^\/tickets\/(\d+)\/comments$/.exec(route))) {
      // Ticket Comments API, "List Comments": oldest first unless `sort=-created_at`.
      const id = Number(m[1]);
      if (!account.tickets.some((t) => t.id === id)) {
        return send(404, { error: 'RecordNotFound', description: 'Not found' });
      }
      const comments = sortBy(
        account.comments.filter((c) => c.ticket_id === id),
        q.get('sort') ?? 'created_at',
        { created_at: (c) => c.created_s * 1e12 + c.id },
      );
      if (!comments)
        return send(400, { error: 'InvalidPaginationParameter', description: 'sort is not valid' });
      return page(req, comments, 'comments', commentJson, send);
    }
    if (req.method === 'POST' && route === '/tickets') return this.createTicket(account, req, send);
    return send(404, { error: 'InvalidEndpoint', description: 'Not found' });
  }

  /**
   * Tickets API, "Create Ticket": `{ ticket: { subject, comment: { body }, requester_id,
   * priority } }` → 201 with the ticket; validation errors are 422 `RecordInvalid` with details.
   */
  private createTicket(account: ZendeskAccount, req: FakeRequest, send: Send): void {
    const t = req.body?.ticket;
    if (!t || typeof t !== 'object') {
      return send(400, { error: 'InvalidEndpoint', description: 'ticket is required' });
    }
    const details: Record<string, { description: string; error: string }[]> = {};
    const body = t.comment?.body ?? t.description;
    if (typeof body !== 'string' || !body.trim()) {
      details.base = [{ description: 'Description: cannot be blank', error: 'BlankValue' }];
    }
    const requester = account.users.find((u) => u.id === Number(t.requester_id) && u.active);
    if (!requester) {
      details.requester = [{ description: 'Requester: is invalid', error: 'InvalidValue' }];
    }
    const priorities: ZendeskPriority[] = ['urgent', 'high', 'normal', 'low'];
    if (t.priority !== undefined && t.priority !== null && !priorities.includes(t.priority)) {
      details.priority = [{ description: 'Priority: is not valid', error: 'InvalidValue' }];
    }
    if (Object.keys(details).length) {
      return send(422, {
        error: 'RecordInvalid',
        description: 'Record validation errors',
        details,
      });
    }
    const now = this.nowSeconds();
    const ticket: ZendeskTicket = {
      id: this.seq++,
      requester_id: requester!.id,
      subject: typeof t.subject === 'string' && t.subject ? t.subject : String(body).slice(0, 80),
      description: String(body),
      status: 'new',
      priority: t.priority ?? null,
      type: null,
      channel: 'api',
      created_s: now,
      updated_s: now,
    };
    account.tickets.push(ticket);
    account.comments.push({
      id: this.seq++,
      ticket_id: ticket.id,
      author_id: requester!.id,
      body: String(body),
      public: t.comment?.public !== false,
      created_s: now,
    });
    return send(201, { ticket: ticketJson(account, ticket) });
  }
}
