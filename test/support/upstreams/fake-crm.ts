import { randomBytes } from 'node:crypto';
import { ServerResponse } from 'node:http';
import { FakeHttpServer, FakeRequest, json } from './fake-http';

/**
 * A CRM-style API: a session login (`POST /auth/login` with a form body, answering a bearer
 * token and its lifetime), people listed by offset with RFC 8288 `Link` headers and no
 * update-time filter (so syncs are full), owners (the users) paged by offset with a total,
 * activities per person, and actions creating people and logging calls.
 */

export const CRM_USERS = [
  { username: 'sales@initech.test', password: 'initech-pass-1', tenant: 'initech' },
  { username: 'ops@umbrella.test', password: 'umbrella-pass-2', tenant: 'umbrella' },
] as const;

interface Person {
  id: string;
  first_name: string;
  last_name: string;
  emails: { address: string; primary: boolean }[];
  phone_numbers: { number: string; kind: string }[];
  company: string | null;
  modified: number;
}

interface Activity {
  id: string;
  person_id: string;
  kind: 'call' | 'meeting' | 'email' | 'note';
  subject: string;
  body: string;
  occurred_at: string;
  importance: number;
  state: string;
}

export class FakeCrm {
  readonly people = new Map<string, Person[]>();
  readonly owners = new Map<string, { id: number; full_name: string; mail: string }[]>();
  readonly activities = new Map<string, Activity[]>();
  /** Issued tokens: token → tenant. Tests revoke them to play an expired session. */
  readonly tokens = new Map<string, string>();
  logins = 0;
  readonly server = new FakeHttpServer((req, res) => this.handle(req, res));
  private seq = 1;

  constructor(count = 120) {
    for (const [n, user] of CRM_USERS.entries()) {
      const people: Person[] = [];
      const activities: Activity[] = [];
      for (let i = 0; i < count; i++) {
        const id = `${user.tenant.slice(0, 3)}-${String(this.seq++).padStart(5, '0')}`;
        people.push({
          id,
          first_name: `Pat${i}`,
          last_name: user.tenant === 'initech' ? 'Lumbergh' : 'Wesker',
          emails: [
            { address: `pat${i}@${user.tenant}.example`, primary: true },
            ...(i % 5 === 0 ? [{ address: `pat${i}.home@mail.example`, primary: false }] : []),
          ],
          phone_numbers: [{ number: `(212) 555-${String(2000 + i + n * 300)}`, kind: 'work' }],
          company: user.tenant,
          modified: Date.UTC(2023, 5, 1) + i * 1000,
        });
        if (i % 3 === 0) {
          activities.push(
            {
              id: `act-${this.seq++}`,
              person_id: id,
              kind: 'call',
              subject: `Call ${i}`,
              body: 'Discussed renewal',
              occurred_at: `2024-02-0${(i % 9) + 1}T10:00:00Z`,
              importance: 3,
              state: 'done',
            },
            {
              id: `act-${this.seq++}`,
              person_id: id,
              kind: 'meeting',
              subject: `Meeting ${i}`,
              body: 'Demo',
              occurred_at: `2024-03-0${(i % 9) + 1}T15:30:00Z`,
              importance: 1,
              state: 'planned',
            },
          );
        }
      }
      this.people.set(user.tenant, people);
      this.activities.set(user.tenant, activities);
      this.owners.set(
        user.tenant,
        Array.from({ length: 12 }, (_, k) => ({
          id: 500 + k + n * 100,
          full_name: `Owner ${k} ${user.tenant}`,
          mail: `owner${k}@${user.tenant}.test`,
        })),
      );
    }
  }

  start(): Promise<FakeHttpServer> {
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** Ends every session: the next request with an old token gets 401. */
  revokeTokens(): void {
    this.tokens.clear();
  }

  private link(req: FakeRequest, offset: number, limit: number): string {
    const next = new URL(req.url.toString());
    next.searchParams.set('offset', String(offset));
    next.searchParams.set('limit', String(limit));
    return `<${next.pathname}${next.search}>; rel="next"`;
  }

  private handle(req: FakeRequest, res: ServerResponse): void {
    if (req.method === 'GET' && req.path === '/v1/status') return json(res, 200, { status: 'ok' });
    if (req.method === 'POST' && req.path === '/v1/auth/login') {
      const user = CRM_USERS.find(
        (u) => u.username === req.body?.username && u.password === req.body?.password,
      );
      if (!user) return json(res, 400, { error: 'invalid_grant' });
      this.logins++;
      const token = `crm_${randomBytes(12).toString('hex')}`;
      this.tokens.set(token, user.tenant);
      return json(res, 200, { access_token: token, token_type: 'bearer', expires_in: 3600 });
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const tenant = token && this.tokens.get(token);
    if (!tenant) return json(res, 401, { error: 'invalid_token' });
    const people = this.people.get(tenant)!;
    const q = req.url.searchParams;
    let m: RegExpExecArray | null;
    if (req.method === 'GET' && req.path === '/v1/me') return json(res, 200, { tenant });
    if (req.method === 'GET' && req.path === '/v1/people') {
      const email = q.get('email')?.toLowerCase();
      const phone = q.get('phone')?.replace(/\D/g, '').slice(-10);
      if (email || phone) {
        const found = people.filter((p) =>
          email
            ? p.emails.some((e) => e.address.toLowerCase() === email)
            : p.phone_numbers.some((n) => n.number.replace(/\D/g, '').slice(-10) === phone),
        );
        return json(res, 200, { data: found });
      }
      const offset = Number(q.get('offset') ?? 0);
      const limit = Math.min(50, Number(q.get('limit') ?? 25));
      const page = people.slice(offset, offset + limit);
      const headers: Record<string, string> = {};
      if (offset + limit < people.length) headers.link = this.link(req, offset + limit, limit);
      return json(res, 200, { data: page }, headers);
    }
    if (req.method === 'GET' && (m = /^\/v1\/people\/([^/]+)$/.exec(req.path))) {
      const person = people.find((p) => p.id === decodeURIComponent(m![1]));
      return person ? json(res, 200, person) : json(res, 404, { error: 'not_found' });
    }
    if (req.method === 'GET' && (m = /^\/v1\/people\/([^/]+)\/activities$/.exec(req.path))) {
      const id = decodeURIComponent(m[1]);
      if (!people.some((p) => p.id === id)) return json(res, 404, { error: 'not_found' });
      return json(res, 200, {
        data: this.activities.get(tenant)!.filter((a) => a.person_id === id),
      });
    }
    if (req.method === 'GET' && req.path === '/v1/owners') {
      const owners = this.owners.get(tenant)!;
      const offset = Number(q.get('offset') ?? 0);
      const limit = Number(q.get('limit') ?? 5);
      return json(res, 200, {
        results: owners.slice(offset, offset + limit),
        total: owners.length,
      });
    }
    if (req.method === 'POST' && req.path === '/v1/people') {
      const body = req.body ?? {};
      if (!body.first_name)
        return json(res, 422, { errors: [{ detail: 'first_name is required' }] });
      const person: Person = {
        id: `${tenant.slice(0, 3)}-${String(this.seq++).padStart(5, '0')}`,
        first_name: String(body.first_name),
        last_name: String(body.last_name ?? ''),
        emails: body.email ? [{ address: String(body.email), primary: true }] : [],
        phone_numbers: body.phone ? [{ number: String(body.phone), kind: 'work' }] : [],
        company: null,
        modified: Date.now(),
      };
      people.push(person);
      return json(res, 201, person);
    }
    if (req.method === 'POST' && (m = /^\/v1\/people\/([^/]+)\/activities$/.exec(req.path))) {
      const id = decodeURIComponent(m[1]);
      if (!people.some((p) => p.id === id))
        return json(res, 422, { errors: [{ detail: `no person ${id}` }] });
      const activity: Activity = {
        id: `act-${this.seq++}`,
        person_id: id,
        kind: req.body?.kind ?? 'note',
        subject: String(req.body?.subject ?? ''),
        body: String(req.body?.body ?? ''),
        occurred_at: new Date().toISOString(),
        importance: 2,
        state: 'done',
      };
      this.activities.get(tenant)!.push(activity);
      return json(res, 201, activity);
    }
    return json(res, 404, { error: 'no_route' });
  }
}
