import { randomUUID } from 'node:crypto';
import { ServerResponse } from 'node:http';
import { FakeHttpServer, FakeRequest, json } from './fake-http';
import {
  HUBSPOT_EXPIRED_TOKEN,
  HUBSPOT_OBJECT_TYPES,
  HUBSPOT_PORTALS,
  HubSpotObject,
  HubSpotObjectType,
  HubSpotPortal,
  seedPortal,
  stampProperties,
} from './fake-hubspot-data';
import {
  associationsV4,
  batchReadObjects,
  createObject,
  decodeAfter,
  hubspotError,
  listObjects,
  missingScope,
  nextPage,
  readObject,
  searchObjects,
} from './fake-hubspot-objects';
import { SlidingWindowLimit } from './fake-rate-limit';

export * from './fake-hubspot-data';

/**
 * HubSpot's CRM API as a real HTTP server, written from HubSpot's developer documentation
 * (developers.hubspot.com/docs) and the CRM v3 OpenAPI specs it publishes
 * (HubSpot-public-api-spec-collection: CRM/Contacts, Tickets, Notes, Calls, Tasks, Crm Owners,
 * Associations v4, Account/Account Info). Two portals, each behind a private-app token.
 */

type Route = (portal: HubSpotPortal, req: FakeRequest, res: ServerResponse) => void;

export interface FakeHubSpotOptions {
  contacts?: number;
  /** The clock of the rate limits (a spec may walk it). */
  now?: () => number;
}

export class FakeHubSpot {
  readonly portals: HubSpotPortal[];
  readonly server = new FakeHttpServer((req, res) => this.handle(req, res));
  /**
   * "API usage guidelines and limits" (developers.hubspot.com/docs/guides/apps/api-usage/
   * usage-details): a private app of a Professional or Enterprise account may make 190 requests
   * per 10 seconds ("burst"), counted per app.
   */
  readonly burst: SlidingWindowLimit;
  /**
   * CRM search guide, "Limitations": the search endpoints are rate limited to five requests per
   * second per authentication token. The specs mark search exempt from the burst limit
   * (`x-hubspot-rate-limit-exemptions: ten-secondly`).
   */
  readonly search: SlidingWindowLimit;
  /** CRM search guide, "Limitations": 10,000 total results for any given query. */
  searchResultCap = 10_000;
  /** 429s answered so far. */
  rateLimitedCount = 0;
  /** Searches refused (400) for paging past `searchResultCap`. */
  cappedSearchCount = 0;
  private id = 100_000;

  constructor(options: FakeHubSpotOptions = {}) {
    this.burst = new SlidingWindowLimit(190, 10_000, options.now);
    this.search = new SlidingWindowLimit(5, 1_000, options.now);
    this.portals = HUBSPOT_PORTALS.map((p) =>
      seedPortal(p.portalId, p.token, options.contacts ?? 300, () => this.nextId()),
    );
  }

  nextId(): string {
    return String(++this.id);
  }

  start(): Promise<FakeHttpServer> {
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  get baseUrl(): string {
    return this.server.origin;
  }

  portal(i: 0 | 1): HubSpotPortal {
    return this.portals[i];
  }

  contacts(i: 0 | 1): HubSpotObject[] {
    return [...this.portals[i].objects.get('contacts')!.values()];
  }

  /** A contact changes in HubSpot (as its users would change it): new properties, a new time. */
  change(i: 0 | 1, id: string, properties: Record<string, string | null>, at = Date.now()): void {
    const contact = this.portals[i].objects.get('contacts')!.get(id);
    if (!contact) throw new Error(`no contact ${id}`);
    Object.assign(contact.properties, properties);
    contact.updatedAt = at;
    stampProperties(contact);
  }

  /** A new contact, written directly into the portal. */
  addContact(i: 0 | 1, properties: Record<string, string | null>, at = Date.now()): HubSpotObject {
    const contact: HubSpotObject = {
      id: this.nextId(),
      type: 'contacts',
      properties: { ...properties },
      createdAt: at,
      updatedAt: at,
      archived: false,
      contactIds: [],
    };
    stampProperties(contact);
    this.portals[i].objects.get('contacts')!.set(contact.id, contact);
    return contact;
  }

  // ------------------------------------------------------------------ errors

  /**
   * "Error responses" of the usage guidelines: a 429 names the policy it hit, and carries no
   * `Retry-After` header.
   */
  rateLimited(res: ServerResponse, policyName: string, message: string) {
    this.rateLimitedCount++;
    json(res, 429, {
      status: 'error',
      message,
      errorType: 'RATE_LIMIT',
      correlationId: randomUUID(),
      policyName,
      requestId: randomUUID(),
    });
  }

  // ------------------------------------------------------------------ dispatch

  private async handle(req: FakeRequest, res: ServerResponse): Promise<void> {
    // "Authentication methods on HubSpot": private apps send `Authorization: Bearer <token>`.
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (token === HUBSPOT_EXPIRED_TOKEN) {
      return hubspotError(
        res,
        401,
        'EXPIRED_AUTHENTICATION',
        'The OAuth token used to make this call expired 2 hour(s) ago.',
      );
    }
    const portal = this.portals.find((p) => p.token === token);
    if (!portal) {
      return hubspotError(
        res,
        401,
        'INVALID_AUTHENTICATION',
        'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
      );
    }
    const isSearch = req.method === 'POST' && /\/search$/.test(req.path);
    if (isSearch) {
      const taken = this.search.take(portal.token);
      if (!taken.allowed) {
        return this.rateLimited(res, 'SECONDLY', 'You have reached your secondly limit.');
      }
    } else {
      const taken = this.burst.take(portal.token);
      if (!taken.allowed) {
        return this.rateLimited(
          res,
          'TEN_SECONDLY_ROLLING',
          'You have reached your ten_secondly_rolling limit.',
        );
      }
      // The burst headers of "Rate limit headers" (not sent on search answers).
      res.setHeader('X-HubSpot-RateLimit-Interval-Milliseconds', '10000');
      res.setHeader('X-HubSpot-RateLimit-Max', String(this.burst.limit));
      res.setHeader('X-HubSpot-RateLimit-Remaining', String(taken.remaining));
    }
    const route = this.route(req);
    if (!route) return hubspotError(res, 404, 'OBJECT_NOT_FOUND', 'Resource not found');
    route(portal, req, res);
  }

  private route(req: FakeRequest): Route | undefined {
    const p = req.path;
    const m = req.method;
    let match: RegExpExecArray | null;
    if (m === 'GET' && p === '/account-info/v3/details')
      return (portal, _r, res) => this.details(portal, res);
    if (m === 'GET' && p === '/crm/v3/owners')
      return (portal, r, res) => this.owners(portal, r, res);
    if (
      (match = /^\/crm\/v4\/objects\/contacts\/(\d+)\/associations\/(\w+)$/.exec(p)) &&
      m === 'GET'
    ) {
      const [, id, to] = match;
      return (portal, r, res) => associationsV4(portal, id, to, r, res);
    }
    match = /^\/crm\/v3\/objects\/(\w+)(?:\/(search|batch\/read|\d+))?$/.exec(p);
    if (!match || !HUBSPOT_OBJECT_TYPES.includes(match[1] as HubSpotObjectType)) return undefined;
    const type = match[1] as HubSpotObjectType;
    const sub = match[2];
    if (m === 'GET' && !sub) return (portal, r, res) => listObjects(portal, type, r, res);
    if (m === 'POST' && !sub)
      return (portal, r, res) => createObject(portal, type, r, res, () => this.nextId());
    if (m === 'POST' && sub === 'search')
      return (portal, r, res) =>
        searchObjects(portal, type, r, res, this.searchResultCap, () => this.cappedSearchCount++);
    if (m === 'POST' && sub === 'batch/read')
      return (portal, r, res) => batchReadObjects(portal, type, r, res);
    if (m === 'GET' && sub && /^\d+$/.test(sub))
      return (portal, r, res) => readObject(portal, type, sub, r, res);
    return undefined;
  }

  /** Account Info v3 `GET /account-info/v3/details` (`PortalInformationResponse`). */
  private details(portal: HubSpotPortal, res: ServerResponse) {
    json(res, 200, {
      portalId: portal.portalId,
      accountType: 'STANDARD',
      timeZone: 'US/Eastern',
      companyCurrency: 'USD',
      additionalCurrencies: [],
      utcOffset: '-05:00',
      utcOffsetMilliseconds: -18_000_000,
      uiDomain: 'app.hubspot.com',
      dataHostingLocation: 'na1',
    });
  }

  /** Crm Owners v3 `GET /crm/v3/owners`: `limit` (default 100, at most 500), `after`, `email`. */
  private owners(portal: HubSpotPortal, req: FakeRequest, res: ServerResponse) {
    if (missingScope(portal, 'crm.objects.owners.read', res)) return;
    const q = req.url.searchParams;
    const limit = Math.min(500, Number(q.get('limit') ?? 100));
    const archived = q.get('archived') === 'true';
    const email = q.get('email')?.toLowerCase();
    const all = portal.owners.filter(
      (o) => o.archived === archived && (!email || o.email?.toLowerCase() === email),
    );
    const start = decodeAfter(q.get('after'));
    const rest = all.filter((o) => Number(o.id) > start);
    const page = rest.slice(0, limit);
    json(res, 200, {
      results: page.map((o) => ({
        ...o,
        createdAt: new Date(o.createdAt).toISOString(),
        updatedAt: new Date(o.updatedAt).toISOString(),
        teams: [],
      })),
      ...(rest.length > limit && { paging: nextPage(req, page[page.length - 1].id) }),
    });
  }
}
