import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** Ways the fake bridge can break Talkdesk's contract, one at a time. */
export interface Faults {
  /** Contact pages labelled text/plain. */
  textContentType?: boolean;
  /** Every contact page answers the same next_offset. */
  repeatedOffset?: boolean;
  /** Contact pages never end: always a new next_offset. */
  endlessPages?: boolean;
  /** The second contact page sends contact "1" again. */
  duplicateIds?: boolean;
  /** Interactions carry a status outside Talkdesk's enumeration. */
  statusOutsideEnum?: boolean;
  /** Interactions of a type that was not requested. */
  unrequestedType?: boolean;
  /** An incremental sync that finds nothing drops the checkpoint. */
  dropIncrementalCheckpoint?: boolean;
  /** Agent ids as JSON numbers. */
  numericAgentIds?: boolean;
  /** The second contact page takes this long. */
  slowPageMs?: number;
  /** Any credentials are accepted. */
  acceptAnyCredentials?: boolean;
}

export const FAKE_AUTH = { api_token: 'secret-token' };

export interface FakeBridge {
  url: string;
  faults: Faults;
  close(): Promise<void>;
}

const CONTACT_PAGES = 3;

function send(
  res: ServerResponse,
  status: number,
  body?: unknown,
  contentType = 'application/json',
) {
  if (res.destroyed) return;
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': contentType }).end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

/**
 * A small, correct Talkdesk bridge over fixed data (3 pages of 2 contacts, 2 pages of agents,
 * one ticket per contact), served by node:http on a real port, that can be told to break one
 * rule of the contract at a time.
 */
export async function startFakeBridge(): Promise<FakeBridge> {
  const faults: Faults = {};
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readJson(req);
    const authorized = faults.acceptAnyCredentials || body.auth?.api_token === FAKE_AUTH.api_token;
    if (!authorized)
      return send(res, 401, { code: 'credentials_rejected', message: 'Invalid credentials' });
    const meta = body.meta ?? {};
    switch (req.url) {
      case '/auth/validate':
        return send(res, 204);
      case '/contacts/sync': {
        if (meta.synchronization_checkpoint && !meta.offset) {
          // Incremental: nothing changed since the checkpoint.
          return send(res, 200, {
            contacts: [],
            context: null,
            ...(!faults.dropIncrementalCheckpoint && {
              synchronization_checkpoint: meta.synchronization_checkpoint,
            }),
          });
        }
        const page = meta.offset ? Number(String(meta.offset).slice(1)) : 0;
        if (page === 1 && faults.slowPageMs) {
          await new Promise((resolve) => setTimeout(resolve, faults.slowPageMs));
        }
        const ids = [page * 2 + 1, page * 2 + 2].map(String);
        if (page === 1 && faults.duplicateIds) ids[0] = '1';
        const more = faults.endlessPages || page < CONTACT_PAGES - 1;
        const nextOffset = faults.repeatedOffset ? 'p1' : `p${page + 1}`;
        return send(
          res,
          200,
          {
            contacts: ids.map((id) => ({
              id,
              name: `Contact ${id}`,
              emails: [`c${id}@example.com`],
            })),
            context: more ? { run: 'r1' } : null,
            synchronization_checkpoint: `cp-${page}`,
            ...(more && { next_offset: nextOffset }),
          },
          faults.textContentType ? 'text/plain' : 'application/json',
        );
      }
      case '/agents/sync': {
        const offset = typeof meta.offset === 'number' ? meta.offset : 0;
        const id = offset + 1;
        return send(res, 200, {
          agents: [
            {
              id: faults.numericAgentIds ? id : String(id),
              name: `Agent ${id}`,
              email: `agent${id}@example.com`,
            },
          ],
          ...(offset === 0 && { next_offset: 1 }),
        });
      }
      case '/interactions/retrieve':
        return send(res, 200, [
          {
            id: `t-${String(body.data?.contact_external_id)}`,
            type: faults.unrequestedType ? 'call' : 'ticket',
            subject: 'Cannot log in',
            description: 'Since the update',
            date: '2026-01-05T10:20:30.000Z',
            url: 'https://crm.example.com/tickets/1',
            priority: 'normal',
            status: faults.statusOutsideEnum ? 'resolved' : 'open',
          },
        ]);
      case '/actions/create_ticket':
        return send(res, 201, { external_id: '99', message: 'Ticket 99 created' });
      default:
        return send(res, 404, { code: 'route_not_found', message: 'Not found' });
    }
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() =>
      send(res, 500, { code: 'internal_error', message: 'fake bridge failed' }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
