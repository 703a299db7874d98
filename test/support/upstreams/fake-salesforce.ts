import { ServerResponse } from 'node:http';
import { FakeHttpServer, FakeRequest, json } from './fake-http';
import {
  SALESFORCE_ORGS,
  SALESFORCE_SCHEMA,
  salesforceId,
  SalesforceOrg,
  seedOrg,
  sfDateTime,
} from './fake-salesforce-data';
import { parseSoql, SObject, SoqlError, valueAt } from './fake-salesforce-soql';
import { createRecord, RecordType, salesforceError } from './fake-salesforce-create';
import { parseSosl, searchRecords, SoslError } from './fake-salesforce-sosl';

export * from './fake-salesforce-data';

/**
 * Salesforce as real HTTP servers, written from the REST API Developer Guide, the SOQL and SOSL
 * Reference, "OAuth Endpoints" / "UserInfo Endpoint" of Salesforce Help and "API Request Limits
 * and Allocations": a login server (`login.salesforce.com`: token and userinfo) and one instance
 * server per org (its My Domain, `https://<domain>.my.salesforce.com`), reached with the access
 * token as a bearer token.
 */

interface Cursor {
  id: string;
  org: SalesforceOrg;
  version: string;
  fields: string[];
  sObject: string;
  rows: SObject[];
  batchSize: number;
  lastUsed: number;
}

export interface FakeSalesforceOptions {
  contacts?: number;
  now?: () => number;
}

/** Versions the stand-in serves ("Versions": Winter '15 onwards; v66.0 is Spring '26). */
const VERSION = /^\/services\/data\/v(\d{2})\.0(\/.*)?$/;

export class FakeSalesforce {
  readonly login = new FakeHttpServer((req, res) => this.handleLogin(req, res));
  readonly instances: FakeHttpServer[];
  readonly orgs: SalesforceOrg[];
  /**
   * "API Request Limits and Allocations": every REST call counts against the org's allocation
   * of a rolling 24 hours (Enterprise Edition: 100,000 plus per licence); past it, 403
   * REQUEST_LIMIT_EXCEEDED.
   */
  dailyApiLimit = 100_000;
  readonly apiUsage = new Map<string, number>();
  /** Query cursors: "Query" resource, cursors idle for 15 minutes expire; 10 open per user. */
  readonly cursors = new Map<string, Cursor>();
  private readonly now: () => number;
  private seq = 1;

  constructor(options: FakeSalesforceOptions = {}) {
    this.now = options.now ?? Date.now;
    this.orgs = SALESFORCE_ORGS.map((_o, n) =>
      seedOrg(n, '', options.contacts ?? 300, (type) => salesforceId(type, this.seq++)),
    );
    this.instances = this.orgs.map(
      (org) => new FakeHttpServer((req, res) => this.handleInstance(org, req, res)),
    );
  }

  async start(): Promise<void> {
    await this.login.start();
    for (const [n, server] of this.instances.entries()) {
      await server.start();
      this.orgs[n].instanceUrl = server.origin;
    }
  }

  async stop(): Promise<void> {
    await this.login.stop();
    for (const server of this.instances) await server.stop();
  }

  org(n: 0 | 1): SalesforceOrg {
    return this.orgs[n];
  }

  /** Every request any of the servers received. */
  get requests(): FakeRequest[] {
    return [this.login, ...this.instances].flatMap((s) => s.requests);
  }

  /** A contact changes in Salesforce: new field values, LastModifiedDate to the second of `at`. */
  change(n: 0 | 1, id: string, fields: Record<string, unknown>, at = Date.now()): void {
    const contact = this.orgs[n].records.Contact.get(id);
    if (!contact) throw new Error(`no contact ${id}`);
    Object.assign(contact, fields, {
      LastModifiedDate: sfDateTime(at),
      SystemModstamp: sfDateTime(at),
    });
  }

  newId(type: RecordType): string {
    return salesforceId(type, this.seq++);
  }

  // ------------------------------------------------------------------ errors

  private orgOf(req: FakeRequest): SalesforceOrg | undefined {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    return this.orgs.find((o) => o.accessToken === token);
  }

  // ------------------------------------------------------------------ login server

  private handleLogin(req: FakeRequest, res: ServerResponse): void {
    if (req.method === 'POST' && req.path === '/services/oauth2/token') return this.token(req, res);
    if (req.method === 'GET' && req.path === '/services/oauth2/userinfo')
      return this.userinfo(req, res);
    res.writeHead(404).end();
  }

  /**
   * "OAuth Endpoints", token response: the access token with `instance_url` (the org's My Domain)
   * and `id` (the identity URL). The stand-in accepts a refresh token equal to the org's id.
   */
  private token(req: FakeRequest, res: ServerResponse): void {
    const body = (req.body ?? {}) as Record<string, string>;
    const org = this.orgs.find(
      (o) => body.grant_type === 'refresh_token' && body.refresh_token === o.organizationId,
    );
    if (!org)
      return json(res, 400, {
        error: 'invalid_grant',
        error_description: 'expired access/refresh token',
      });
    json(res, 200, {
      access_token: org.accessToken,
      instance_url: org.instanceUrl,
      id: `${this.login.origin}/id/${org.organizationId}/${org.userId}`,
      token_type: 'Bearer',
      issued_at: String(this.now()),
      signature: 'c2lnbmF0dXJl',
      scope: 'api refresh_token',
    });
  }

  /**
   * "UserInfo Endpoint": who the token belongs to, with the org's URLs (`urls.custom_domain` is
   * the My Domain). An invalid token gets 403 with the text `Bad_OAuth_Token`.
   */
  private userinfo(req: FakeRequest, res: ServerResponse): void {
    const org = this.orgOf(req);
    if (!org) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('Bad_OAuth_Token');
      return;
    }
    const user = org.records.User.get(org.userId)!;
    const base = org.instanceUrl;
    json(res, 200, {
      sub: `${this.login.origin}/id/${org.organizationId}/${org.userId}`,
      user_id: org.userId,
      organization_id: org.organizationId,
      preferred_username: user.Username,
      name: user.Name,
      email: user.Email,
      email_verified: true,
      active: true,
      user_type: 'STANDARD',
      urls: {
        rest: `${base}/services/data/v{version}/`,
        sobjects: `${base}/services/data/v{version}/sobjects/`,
        query: `${base}/services/data/v{version}/query/`,
        search: `${base}/services/data/v{version}/search/`,
        custom_domain: base,
      },
      updated_at: new Date(this.now()).toISOString(),
    });
  }

  // ------------------------------------------------------------------ instance servers

  private handleInstance(org: SalesforceOrg, req: FakeRequest, res: ServerResponse): void {
    // "Status Codes and Error Responses": 401 for a session id that expired or is not valid
    // (SALESFORCE_EXPIRED_TOKEN; a token of another org is not valid on this My Domain either).
    if (this.orgOf(req) !== org) {
      return salesforceError(res, 401, 'INVALID_SESSION_ID', 'Session expired or invalid');
    }
    const used = (this.apiUsage.get(org.organizationId) ?? 0) + 1;
    if (used > this.dailyApiLimit) {
      return salesforceError(res, 403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
    }
    this.apiUsage.set(org.organizationId, used);
    // "Limit Info Header".
    res.setHeader('Sforce-Limit-Info', `api-usage=${used}/${this.dailyApiLimit}`);
    if (req.path === '/services/oauth2/userinfo') return this.userinfo(req, res);
    const version = VERSION.exec(req.path);
    if (!version || Number(version[1]) < 31 || Number(version[1]) > 66) {
      return salesforceError(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
    }
    const v = `v${version[1]}.0`;
    const rest = version[2] ?? '/';
    let m: RegExpExecArray | null;
    if (req.method === 'GET' && rest === '/query') return this.query(org, v, req, res);
    if (req.method === 'GET' && (m = /^\/query\/([\w]+)-(\d+)$/.exec(rest)))
      return this.queryMore(org, m[1], Number(m[2]), res);
    if (req.method === 'GET' && /^\/search\/?$/.test(rest)) return this.search(org, v, req, res);
    if (req.method === 'GET' && rest === '/limits') {
      return json(res, 200, {
        DailyApiRequests: { Max: this.dailyApiLimit, Remaining: this.dailyApiLimit - used },
      });
    }
    if (req.method === 'POST' && (m = /^\/sobjects\/(Task|Case)$/.exec(rest)))
      return createRecord(org, m[1] as 'Task' | 'Case', req, res, this.now(), (t) => this.newId(t));
    return salesforceError(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
  }

  /**
   * "Execute a SOQL Query": `GET /query?q=`; up to 2,000 records a batch, fewer with the
   * `Sforce-Query-Options: batchSize=` header (200 to 2,000), the rest behind `nextRecordsUrl`
   * (a query locator) until `done`.
   */
  private query(org: SalesforceOrg, version: string, req: FakeRequest, res: ServerResponse): void {
    const q = req.url.searchParams.get('q');
    if (!q)
      return salesforceError(res, 400, 'MALFORMED_QUERY', 'A query string has to be specified');
    try {
      const soql = parseSoql(q, SALESFORCE_SCHEMA);
      const all = [...org.records[soql.sObject as RecordType].values()].filter(
        (r) => r.IsDeleted !== true && soql.filter(r),
      );
      const sorted = soql.order ? [...all].sort(soql.order) : all;
      const offset = soql.offset ?? 0;
      if (offset > 2000)
        return salesforceError(
          res,
          400,
          'NUMBER_OUTSIDE_VALID_RANGE',
          'Maximum SOQL offset allowed is 2000',
        );
      const rows = sorted.slice(offset, soql.limit === undefined ? undefined : offset + soql.limit);
      const option = /batchSize=(\d+)/.exec(String(req.headers['sforce-query-options'] ?? ''));
      const batchSize = option ? Math.min(2000, Math.max(200, Number(option[1]))) : 2000;
      // The cursor holds the rows as they were when the query ran.
      const cursor: Cursor = {
        id: `01g5g0000${String(this.seq++).padStart(9, '0')}`,
        org,
        version,
        fields: soql.fields,
        sObject: soql.sObject,
        rows: rows.map((r) => structuredClone(r)),
        batchSize,
        lastUsed: this.now(),
      };
      this.answerBatch(cursor, 0, res);
    } catch (error) {
      if (!(error instanceof SoqlError)) throw error;
      salesforceError(res, 400, error.errorCode, error.message);
    }
  }

  /**
   * REST API "Search": `GET /search/?q=<SOSL>` answers `{ searchRecords: [...] }`, each record
   * with its `attributes` and the RETURNING fields, at most 2,000 ("SOSL Limits on Search
   * Results"); a search the stand-in cannot read is `400 MALFORMED_SEARCH`.
   */
  private search(org: SalesforceOrg, version: string, req: FakeRequest, res: ServerResponse) {
    const q = req.url.searchParams.get('q');
    if (!q) return salesforceError(res, 400, 'MALFORMED_SEARCH', 'No search term found.');
    try {
      const sosl = parseSosl(q, SALESFORCE_SCHEMA);
      const found = sosl.returning.flatMap((r) =>
        searchRecords(sosl, r, org.records[r.sObject as RecordType]?.values() ?? []).map((rec) =>
          this.recordJson({ version, fields: r.fields, sObject: r.sObject }, rec),
        ),
      );
      json(res, 200, { searchRecords: found.slice(0, sosl.limit ?? 2000) });
    } catch (error) {
      if (!(error instanceof SoslError)) throw error;
      salesforceError(res, 400, error.errorCode, error.message);
    }
  }

  /**
   * `GET /query/{locator}-{offset}`: the batch at that offset of the query's cursor. The guide
   * does not say a locator is read once only: the stand-in answers any offset of a cursor until
   * it expires (idle for 15 minutes) or is pushed out by the user's eleventh.
   */
  private queryMore(org: SalesforceOrg, id: string, position: number, res: ServerResponse): void {
    const cursor = this.cursors.get(id);
    const expired = !!cursor && this.now() - cursor.lastUsed > 15 * 60_000;
    if (expired) this.cursors.delete(id);
    if (!cursor || expired || cursor.org !== org || position > cursor.rows.length) {
      return salesforceError(res, 400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    }
    cursor.lastUsed = this.now();
    this.answerBatch(cursor, position, res);
  }

  private answerBatch(cursor: Cursor, position: number, res: ServerResponse): void {
    const batch = cursor.rows.slice(position, position + cursor.batchSize);
    const next = position + batch.length;
    const done = next >= cursor.rows.length;
    if (!done && !this.cursors.has(cursor.id)) {
      this.cursors.set(cursor.id, cursor);
      // At most 10 open cursors per user: the oldest is deleted.
      const open = [...this.cursors.values()].filter((c) => c.org === cursor.org);
      if (open.length > 10) this.cursors.delete(open[0].id);
    }
    json(res, 200, {
      totalSize: cursor.rows.length,
      done,
      ...(!done && {
        nextRecordsUrl: `/services/data/${cursor.version}/query/${cursor.id}-${next}`,
      }),
      records: batch.map((r) => this.recordJson(cursor, r)),
    });
  }

  private recordJson(cursor: Pick<Cursor, 'version' | 'fields' | 'sObject'>, r: SObject) {
    const out: Record<string, unknown> = {
      attributes: {
        type: cursor.sObject,
        url: `/services/data/${cursor.version}/sobjects/${cursor.sObject}/${r.Id}`,
      },
    };
    for (const f of cursor.fields) {
      const [head, tail] = f.split('.');
      if (tail === undefined) out[head] = r[head] ?? null;
      else {
        const related = r[head] as SObject | null | undefined;
        const type = SALESFORCE_SCHEMA.fields[cursor.sObject].relationships[head];
        out[head] = related
          ? {
              ...((out[head] as object) ?? {
                attributes: {
                  type,
                  url: `/services/data/${cursor.version}/sobjects/${type}/${related.Id}`,
                },
              }),
              [tail]: valueAt(r, f) ?? null,
            }
          : null;
      }
    }
    return out;
  }
}
