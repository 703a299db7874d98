import { ServerResponse } from 'node:http';
import { FakeHttpServer, FakeRequest, json } from './fake-http';
import {
  activityJson,
  noteJson,
  organizationJson,
  personJson,
  PipedriveCompany,
  PipedrivePerson,
  PipedriveSeed,
  seedPipedrive,
  userJson,
} from './fake-pipedrive-data';
import { addActivity } from './fake-pipedrive-activities';
import { cursorPage, failure, Send, v2Invalid } from './fake-pipedrive-paging';
import { searchPersons } from './fake-pipedrive-search';
import { Clock, parseIso, RateWindows } from './vendor-kit';

/**
 * A stand-in for the Pipedrive API (developers.pipedrive.com/docs/api), as a real HTTP server.
 * Companies are told apart by a path prefix, `/{company_domain}/api/v2/…` and `/api/v1/…`, since
 * tests have no DNS for `{company_domain}.pipedrive.com`. It serves the v2 endpoints that
 * replaced the v1 person endpoints removed in the Node client 32.0.0 (CHANGELOG, 2026-03-13) and
 * answers those v1 paths with 410 Gone. Each behaviour cites the documentation it follows.
 */

export interface PipedriveLimits {
  /** "Rate limiting": per api_token and 2-second window, Essential 20, Advanced 40, Professional 80, Power 100, Enterprise 120. */
  perWindow: number;
  /** "Rate limiting for Search API": 10 per 2 seconds on every plan. */
  searchPerWindow: number;
  windowMs: number;
}

export const PIPEDRIVE_ESSENTIAL: PipedriveLimits = {
  perWindow: 20,
  searchPerWindow: 10,
  windowMs: 2_000,
};

/** v1 person endpoints with a v2 replacement, gone (client 32.0.0 "Removed"). */
const REMOVED_V1 = [
  /^\/v1\/persons$/,
  /^\/v1\/persons\/collection$/,
  /^\/v1\/persons\/search$/,
  /^\/v1\/persons\/\d+$/,
  /^\/v1\/persons\/\d+\/activities$/,
  /^\/v1\/activities$/,
];

export class FakePipedrive {
  readonly companies: PipedriveCompany[];
  readonly server = new FakeHttpServer((req, res) => this.handle(req, res));
  limits: PipedriveLimits = { ...PIPEDRIVE_ESSENTIAL };
  clock: Clock = () => Date.now();
  readonly windows = new RateWindows(() => this.clock());
  /** Requests answered 429 so far. */
  rateLimited = 0;
  private seq = 1;

  constructor(seed: PipedriveSeed = {}) {
    this.companies = seedPipedrive(seed, () => this.seq++);
  }

  start(): Promise<FakeHttpServer> {
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  get baseUrl(): string {
    return `${this.server.origin}/{{ auth.company_domain }}/api`;
  }

  company(i: 0 | 1): PipedriveCompany {
    return this.companies[i];
  }

  /** Regenerates the personal API token (Personal preferences › API): the old one gets 401. */
  regenerateToken(i: 0 | 1): void {
    this.companies[i].apiToken = `${this.companies[i].apiToken.slice(0, 36)}dead`;
  }

  updatePerson(i: 0 | 1, id: number, changes: Partial<PipedrivePerson>, at: number) {
    const person = this.companies[i].persons.find((p) => p.id === id);
    if (!person) throw new Error(`no person ${id}`);
    return Object.assign(person, changes, { update_s: at });
  }

  addPerson(i: 0 | 1, person: Omit<PipedrivePerson, 'id'>): PipedrivePerson {
    const record = { ...person, id: this.seq++ };
    this.companies[i].persons.push(record);
    return record;
  }

  nextId(): number {
    return this.seq++;
  }

  nowSeconds(): number {
    return Math.floor(this.clock() / 1000);
  }

  private async handle(req: FakeRequest, res: ServerResponse): Promise<void> {
    const match = /^\/([^/]+)\/api(\/v[12]\/.*)$/.exec(req.path);
    const company = match && this.companies.find((c) => c.domain === match[1]);
    if (!match || !company) return json(res, 404, failure('Company not found'));
    const route = match[2];
    // "Authentication": the API token as the `api_token` query parameter or the `x-api-token` header.
    const token = req.headers['x-api-token'] ?? req.url.searchParams.get('api_token');
    if (token !== company.apiToken) {
      return json(res, 401, { ...failure('unauthorized access'), errorCode: 401 });
    }
    const search = /\/search$/.test(route);
    const limit = search ? this.limits.searchPerWindow : this.limits.perWindow;
    const take = this.windows.take(
      `${search ? 'search' : 'all'}:${token}`,
      limit,
      this.limits.windowMs,
    );
    // "HTTP headers and response codes": x-ratelimit-limit / -remaining / -reset (seconds left in
    // the window) on every answer; over the limit, 429 "Too Many Requests". The current page lists
    // no Retry-After: x-ratelimit-reset says how long to wait.
    const headers = {
      'x-ratelimit-limit': String(take.limit),
      'x-ratelimit-remaining': String(take.remaining),
      'x-ratelimit-reset': String(Math.max(1, Math.ceil(take.resetMs / 1000))),
    };
    if (!take.allowed) {
      this.rateLimited++;
      return json(res, 429, { ...failure('Request over limit'), errorCode: 429 }, headers);
    }
    const send: Send = (status, body) => json(res, status, body, headers);
    if (REMOVED_V1.some((r) => r.test(route))) {
      // Status codes: "410 Gone: Old resource permanently unavailable".
      return send(410, failure('This endpoint has been removed; use its /api/v2 replacement'));
    }
    return this.route(company, route, req, send);
  }

  private route(company: PipedriveCompany, route: string, req: FakeRequest, send: Send): void {
    const q = req.url.searchParams;
    let m: RegExpExecArray | null;
    if (req.method === 'GET' && route === '/v1/users/me') {
      return send(200, {
        success: true,
        data: {
          ...userJson(company.users[0]),
          is_you: true,
          // Users, "Get current user data": the company comes with it.
          company_id: company.companyId,
          company_name: company.domain,
          company_domain: company.domain,
        },
      });
    }
    if (req.method === 'GET' && route === '/v1/users') {
      // Users, "Get all users": every user of the company in one answer, no paging.
      return send(200, { success: true, data: company.users.map(userJson) });
    }
    if (req.method === 'GET' && route === '/v2/persons')
      return this.listPersons(company, req, send);
    if (req.method === 'GET' && route === '/v2/persons/search')
      return searchPersons(company, req, send);
    if (req.method === 'GET' && (m = /^\/v2\/persons\/(\d+)$/.exec(route))) {
      const person = company.persons.find((p) => p.id === Number(m![1]) && !p.is_deleted);
      return person
        ? send(200, { success: true, data: personJson(person) })
        : send(404, failure('Person not found'));
    }
    if (req.method === 'GET' && (m = /^\/v2\/organizations\/(\d+)$/.exec(route))) {
      // Organizations, "Get details of an organization" (v2).
      const org = company.organizations.find((o) => o.id === Number(m![1]));
      return org
        ? send(200, { success: true, data: organizationJson(org) })
        : send(404, failure('Organization not found'));
    }
    if (req.method === 'GET' && route === '/v2/activities') {
      // Activities, "Get all activities" (v2): `person_id` is the primary participant.
      const personId = q.get('person_id');
      const done = q.get('done');
      const activities = company.activities.filter(
        (a) =>
          (personId === null || a.person_id === Number(personId)) &&
          (done === null || a.done === (done === 'true')),
      );
      return cursorPage(
        req,
        activities,
        {
          id: (a) => a.id,
          update_time: (a) => a.update_s,
          add_time: (a) => a.add_s,
          due_date: (a) => a.due_date ?? '',
        },
        activityJson,
        send,
      );
    }
    if (req.method === 'POST' && route === '/v2/activities')
      return addActivity(this, company, req, send);
    if (req.method === 'GET' && route === '/v1/notes') {
      // Notes, "Get all notes" (v1): `start` / `limit` paging, `sort` such as `add_time DESC`.
      const start = Number(q.get('start') ?? 0);
      const limit = Number(q.get('limit') ?? 100);
      if (
        !Number.isInteger(start) ||
        start < 0 ||
        !Number.isInteger(limit) ||
        limit < 1 ||
        limit > 500
      ) {
        return send(400, failure('Invalid start or limit'));
      }
      const personId = q.get('person_id');
      const desc = /\bDESC$/i.test(q.get('sort') ?? '');
      const notes = company.notes
        .filter((n) => personId === null || n.person_id === Number(personId))
        .sort((a, b) => (desc ? b.add_s - a.add_s : a.add_s - b.add_s) || a.id - b.id);
      const page = notes.slice(start, start + limit);
      const more = start + limit < notes.length;
      return send(200, {
        success: true,
        data: page.map((n) => noteJson(n, company)),
        additional_data: {
          pagination: {
            start,
            limit,
            more_items_in_collection: more,
            ...(more ? { next_start: start + limit } : {}),
          },
        },
      });
    }
    return send(404, failure('Unknown method .'));
  }

  /**
   * Persons, "Get all persons" (v2): deleted persons are not listed; `updated_since` (at or
   * after) and `updated_until` (before) in RFC 3339; `sort_by` `id` (default), `update_time` or
   * `add_time`, `sort_direction` `asc` (default) or `desc`; `cursor` / `limit` paging.
   */
  private listPersons(company: PipedriveCompany, req: FakeRequest, send: Send): void {
    const q = req.url.searchParams;
    const since = q.get('updated_since');
    const until = q.get('updated_until');
    const sinceS = since === null ? -Infinity : parseIso(since);
    const untilS = until === null ? Infinity : parseIso(until);
    if (Number.isNaN(sinceS)) return send(400, v2Invalid('updated_since', 'Invalid datetime'));
    if (Number.isNaN(untilS)) return send(400, v2Invalid('updated_until', 'Invalid datetime'));
    const owner = q.get('owner_id');
    const org = q.get('org_id');
    const persons = company.persons.filter(
      (p) =>
        !p.is_deleted &&
        p.update_s >= sinceS &&
        p.update_s < untilS &&
        (owner === null || p.owner_id === Number(owner)) &&
        (org === null || p.org_id === Number(org)),
    );
    return cursorPage(
      req,
      persons,
      { id: (p) => p.id, update_time: (p) => p.update_s, add_time: (p) => p.add_s },
      personJson,
      send,
    );
  }
}
