import { randomUUID } from 'node:crypto';
import { ServerResponse } from 'node:http';
import { FakeHttpServer, FakeRequest, json } from './fake-http';
import {
  DATAVERSE_EXPIRED_TOKEN,
  DATAVERSE_ORGS,
  DataverseOrg,
  dvDateTime,
  ENTITY_SETS,
  EntitySet,
  Row,
  seedOrg,
} from './fake-dynamics365-data';
import {
  compare,
  ODataError,
  parseFilter,
  parseOrderBy,
  parseSelect,
  readCookie,
  writeCookie,
} from './fake-dynamics365-odata';
import { createRow, prefers, rowJson } from './fake-dynamics365-rows';
import { SlidingWindowLimit } from './fake-rate-limit';

export * from './fake-dynamics365-data';

/** A contact's one-to-many relationships (their schema names) and the lookup each follows. */
const NAVIGATIONS: Record<string, { set: string; column: string }> = {
  incident_customer_contacts: { set: 'incidents', column: '_customerid_value' },
  Contact_Tasks: { set: 'tasks', column: '_regardingobjectid_value' },
  Contact_Phonecalls: { set: 'phonecalls', column: '_regardingobjectid_value' },
};

/**
 * Dynamics 365 through the Dataverse Web API (OData v4, `/api/data/v9.2`), as real HTTP servers
 * written from Microsoft Learn's Power Apps developer documentation ("Use the Microsoft Dataverse
 * Web API", "Query data using the Web API", "Page results", "Create a table row using the Web
 * API", "Service protection API limits", "Authenticate to Dataverse with the Web API") and the
 * Microsoft identity platform's token endpoint: a login server
 * (`login.microsoftonline.com/{tenant}/oauth2/v2.0/token`) and the environments, each at
 * `https://<organization>.crm.dynamics.com` — here `/<organization>` on one server, as tests
 * have no DNS.
 */

export interface FakeDynamics365Options {
  contacts?: number;
  now?: () => number;
}

export class FakeDynamics365 {
  readonly login = new FakeHttpServer((req, res) => this.handleLogin(req, res));
  readonly server = new FakeHttpServer((req, res) => this.handle(req, res));
  readonly orgs: DataverseOrg[];
  /**
   * "Service protection API limits": per user and web server, 6,000 requests in a sliding
   * window of 300 seconds; past it, 429 with `Retry-After` (seconds) and error 0x80072322.
   */
  readonly limit: SlidingWindowLimit;
  /** "Page results": at most 5,000 rows a page, fewer with `Prefer: odata.maxpagesize`. */
  maxPageSize = 5000;

  constructor(options: FakeDynamics365Options = {}) {
    this.limit = new SlidingWindowLimit(6000, 300_000, options.now);
    this.orgs = DATAVERSE_ORGS.map((_o, n) => seedOrg(n, options.contacts ?? 300));
  }

  async start(): Promise<void> {
    await this.login.start();
    await this.server.start();
  }

  async stop(): Promise<void> {
    await this.login.stop();
    await this.server.stop();
  }

  org(n: 0 | 1): DataverseOrg {
    return this.orgs[n];
  }

  /** The organization URL of an environment (what a user enters in Talkdesk). */
  orgUrl(n: 0 | 1): string {
    return `${this.server.origin}/${this.orgs[n].name}`;
  }

  rows(n: 0 | 1, set: string): Row[] {
    return [...this.orgs[n].tables.get(set)!.values()];
  }

  /** A contact changes in Dynamics: new column values, `modifiedon` to the second of `at`. */
  change(n: 0 | 1, id: string, columns: Row, at = Date.now()): void {
    const row = this.orgs[n].tables.get('contacts')!.get(id);
    if (!row) throw new Error(`no contact ${id}`);
    Object.assign(row, columns, { modifiedon: dvDateTime(at) });
  }

  private error(
    res: ServerResponse,
    status: number,
    code: string,
    message: string,
    headers: Record<string, string> = {},
  ) {
    json(res, status, { error: { code, message } }, headers);
  }

  // ------------------------------------------------------------------ login server

  /**
   * Microsoft identity platform, client credentials: `POST /{tenant}/oauth2/v2.0/token` with
   * `scope=<organization URL>/.default`. The stand-in's client secret is the tenant id reversed.
   */
  private handleLogin(req: FakeRequest, res: ServerResponse): void {
    const m = /^\/([\w-]+)\/oauth2\/v2\.0\/token$/.exec(req.path);
    const body = (req.body ?? {}) as Record<string, string>;
    const n = this.orgs.findIndex(
      (o, i) => m && o.tenantId === m[1] && body.scope === `${this.orgUrl(i as 0 | 1)}/.default`,
    );
    if (
      req.method !== 'POST' ||
      !m ||
      n < 0 ||
      body.client_secret !== [...this.orgs[n].tenantId].reverse().join('')
    ) {
      return json(res, 401, {
        error: 'invalid_client',
        error_description: 'AADSTS7000215: Invalid client secret provided.',
        error_codes: [7000215],
        timestamp: new Date().toISOString(),
        trace_id: randomUUID(),
        correlation_id: randomUUID(),
      });
    }
    json(res, 200, {
      token_type: 'Bearer',
      expires_in: 3599,
      ext_expires_in: 3599,
      access_token: this.orgs[n].accessToken,
    });
  }

  // ------------------------------------------------------------------ environments

  private async handle(req: FakeRequest, res: ServerResponse): Promise<void> {
    const m = /^\/([\w-]+)(\/api\/data\/v9\.[012])(\/.*)?$/.exec(req.path);
    const org = m && this.orgs.find((o) => o.name === m[1]);
    if (!m || !org) return this.error(res, 404, '0x80060888', 'Resource not found.');
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    // "Authenticate to Dataverse": an expired token or one issued for another environment (its
    // audience) gets 401 with the reason in WWW-Authenticate and no body.
    if (token !== org.accessToken) {
      const reason =
        token === DATAVERSE_EXPIRED_TOKEN
          ? 'The access token is expired.'
          : 'The access token is invalid.';
      res
        .writeHead(401, {
          'WWW-Authenticate': `Bearer error="invalid_token", error_description="${reason}", authorization_uri="${this.login.origin}/${org.tenantId}/oauth2/authorize"`,
        })
        .end();
      return;
    }
    const taken = this.limit.take(`${org.name}:${token}`);
    if (!taken.allowed) {
      return this.error(
        res,
        429,
        '0x80072322',
        `Number of requests exceeded the limit of ${this.limit.limit} over time window of ${this.limit.windowMs / 1000} seconds.`,
        {
          'Retry-After': String(Math.max(1, Math.ceil(taken.retryAfterMs / 1000))),
        },
      );
    }
    res.setHeader('OData-Version', '4.0');
    const base = `${this.server.origin}/${org.name}${m[2]}`;
    const route = m[3] ?? '/';
    try {
      let r: RegExpExecArray | null;
      if (req.method === 'GET' && route === '/WhoAmI') {
        return json(res, 200, {
          '@odata.context': `${base}/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
          BusinessUnitId: org.organizationId.replace(/^.{8}/, 'b0000000'),
          UserId: org.callerId,
          OrganizationId: org.organizationId,
        });
      }
      // Collection-valued navigation properties of a contact ("Retrieve related table rows").
      if ((r = /^\/contacts\(([0-9a-fA-F-]{36})\)\/(\w+)$/.exec(route)) && NAVIGATIONS[r[2]]) {
        const nav = NAVIGATIONS[r[2]];
        const id = r[1].toLowerCase();
        if (!org.tables.get('contacts')!.has(id)) {
          return this.error(res, 404, '0x80040217', `contact With Id = ${r[1]} Does Not Exist`);
        }
        if (req.method === 'GET') {
          return this.list(org, ENTITY_SETS[nav.set], base, req, res, {
            column: nav.column,
            id,
            path: route.slice(1),
          });
        }
      }
      if ((r = /^\/(\w+)(?:\(([0-9a-fA-F-]{36})\))?$/.exec(route)) && ENTITY_SETS[r[1]]) {
        const entity = ENTITY_SETS[r[1]];
        if (req.method === 'GET' && r[2]) return this.retrieve(org, entity, r[2], base, req, res);
        if (req.method === 'GET') return this.list(org, entity, base, req, res);
        if (req.method === 'POST' && !r[2]) return createRow(org, entity, base, req, res);
      }
      this.error(
        res,
        404,
        '0x80060888',
        `Resource not found for the segment '${route.split('/')[1] ?? ''}'.`,
      );
    } catch (error) {
      if (!(error instanceof ODataError)) throw error;
      this.error(res, error.status, error.code, error.message);
    }
  }

  /** `GET /{set}({id})`: one row, 404 0x80040217 when there is none. */
  private retrieve(
    org: DataverseOrg,
    entity: EntitySet,
    id: string,
    base: string,
    req: FakeRequest,
    res: ServerResponse,
  ) {
    const row = org.tables.get(entity.set)!.get(id.toLowerCase());
    if (!row)
      return this.error(res, 404, '0x80040217', `${entity.logical} With Id = ${id} Does Not Exist`);
    const columns = parseSelect(entity, req.url.searchParams.get('$select'));
    json(res, 200, {
      '@odata.context': `${base}/$metadata#${entity.set}(${columns.join(',')})/$entity`,
      ...rowJson(org, entity, row, columns, prefers(req).formatted),
    });
  }

  /**
   * `GET /{set}`: $select, $filter, $orderby (the key breaks ties), $top, $count; pages of
   * `odata.maxpagesize` (at most 5,000) linked by `@odata.nextLink`, whose `$skiptoken` holds a
   * paging cookie with the last row's sort values ("Page results").
   */
  private list(
    org: DataverseOrg,
    entity: EntitySet,
    base: string,
    req: FakeRequest,
    res: ServerResponse,
    within?: { column: string; id: string; path: string },
  ) {
    const q = req.url.searchParams;
    const columns = parseSelect(entity, q.get('$select'));
    const filter = parseFilter(entity, q.get('$filter'));
    const ordered = parseOrderBy(entity, q.get('$orderby'));
    const order = ordered.some((o) => o.column === entity.key)
      ? ordered
      : [...ordered, { column: entity.key, desc: false }];
    const top = q.get('$top') === null ? undefined : Number(q.get('$top'));
    if (top !== undefined && (!Number.isInteger(top) || top < 0))
      throw new ODataError(400, '0x80060888', `Invalid value for $top: '${q.get('$top')}'.`);
    const cmp = (a: Row, b: Row) => {
      for (const o of order) {
        const c = compare(a[o.column] ?? null, b[o.column] ?? null);
        if (c) return o.desc ? -c : c;
      }
      return 0;
    };
    const matching = [...org.tables.get(entity.set)!.values()]
      .filter((row) => !within || row[within.column] === within.id)
      .filter(filter)
      .sort(cmp);
    const prefer = prefers(req);
    const size = Math.min(
      this.maxPageSize,
      prefer.maxPageSize ?? this.maxPageSize,
      top ?? Infinity,
    );
    const cookie = readCookie(q.get('$skiptoken'));
    if (q.get('$skiptoken') && !cookie)
      throw new ODataError(400, '0x80060888', 'The $skiptoken is not valid.');
    const rest = cookie
      ? matching.filter(
          (r) => cmp(r, Object.fromEntries(order.map((o, i) => [o.column, cookie.values[i]]))) > 0,
        )
      : matching;
    const page = rest.slice(0, size);
    const more = top === undefined && rest.length > page.length;
    const headers: Record<string, string> = prefer.maxPageSize
      ? { 'Preference-Applied': `odata.maxpagesize=${prefer.maxPageSize}` }
      : {};
    let nextLink: string | undefined;
    if (more) {
      const last = page[page.length - 1];
      const params = [...q].filter(([k]) => k !== '$skiptoken');
      params.push([
        '$skiptoken',
        writeCookie(
          (cookie?.page ?? 1) + 1,
          order.map((o) => last[o.column] ?? null),
        ),
      ]);
      // Written as Dataverse writes it: `$` kept, values percent-encoded.
      const next = `${base}/${within?.path ?? entity.set}?${params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`;
      nextLink = next;
    }
    json(
      res,
      200,
      {
        '@odata.context': `${base}/$metadata#${entity.set}(${columns.join(',')})`,
        ...(q.get('$count') === 'true' && { '@odata.count': Math.min(5000, matching.length) }),
        value: page.map((r) => rowJson(org, entity, r, columns, prefer.formatted)),
        ...(nextLink && { '@odata.nextLink': nextLink }),
      },
      headers,
    );
  }
}
