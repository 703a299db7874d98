import { ServerResponse } from 'node:http';
import { FakeHttpServer, FakeRequest, json } from './fake-http';

/**
 * The time-tracking mock API of Talkdesk's "Sync Talkdesk Agents with external systems"
 * example: users paged by `page` (a fixed page size), each answer with `page_count` (users on
 * this page), `total` and `users`, in a "formatted" form (`id`, `email`) and a "not-formatted"
 * one (`punch_clock_id`, `punch_clock_email`); and a punch-clock endpoint per user. Requests
 * carry an API key in `x-api-key`.
 */
export const PUNCH_CLOCK_KEY = 'pk_live_7c1e0b5a93';

export class FakePunchClock {
  readonly pageSize = 10;
  readonly users = Array.from({ length: 23 }, (_, i) => ({
    id: `pc-${100 + i}`,
    email: `agent${i}@talkdesk-customer.example`,
  }));
  readonly punches: { userId: string; body: unknown }[] = [];
  readonly server = new FakeHttpServer((req, res) => this.handle(req, res));

  start(): Promise<FakeHttpServer> {
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  private handle(req: FakeRequest, res: ServerResponse): void {
    if (req.headers['x-api-key'] !== PUNCH_CLOCK_KEY)
      return json(res, 401, { error: 'Unauthorized' });
    const users = /^\/users\/(formatted|not-formatted)$/.exec(req.path);
    if (req.method === 'GET' && users) {
      const page = Number(req.url.searchParams.get('page') ?? 1);
      const slice = this.users.slice((page - 1) * this.pageSize, page * this.pageSize);
      return json(res, 200, {
        page_count: slice.length,
        total: this.users.length,
        users:
          users[1] === 'formatted'
            ? slice
            : slice.map((u) => ({ punch_clock_id: u.id, punch_clock_email: u.email })),
      });
    }
    const punch = /^\/users\/([^/]+)\/punch-clock$/.exec(req.path);
    if (req.method === 'POST' && punch) {
      const userId = decodeURIComponent(punch[1]);
      if (!this.users.some((u) => u.id === userId))
        return json(res, 404, { error: 'Unknown user' });
      this.punches.push({ userId, body: req.body });
      return json(res, 201, {
        punch_id: `punch-${this.punches.length}`,
        recorded_at: new Date().toISOString(),
      });
    }
    return json(res, 404, { error: 'Not found' });
  }
}
