import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';

/** A request as the fake upstreams see it. */
export interface FakeRequest {
  method: string;
  url: URL;
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
  rawBody: string;
  /** When the request arrived (epoch ms, its body read). */
  at: number;
}

export type Handler = (req: FakeRequest, res: ServerResponse) => void | Promise<void>;

/** A fault to inject: requests that `match` get `respond` instead of the real answer, `times` times. */
export interface Fault {
  match: (req: FakeRequest) => boolean;
  times: number;
  respond: (req: FakeRequest, res: ServerResponse) => void | Promise<void>;
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}

/**
 * A real HTTP server on 127.0.0.1 and a free port, playing an external system in tests: it
 * records every request and can be told to misbehave (faults).
 */
export class FakeHttpServer {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  readonly requests: FakeRequest[] = [];
  faults: Fault[] = [];
  /** Requests that `match` are answered this much later (a slow upstream). */
  slowness?: { match: (req: FakeRequest) => boolean; ms: number };
  port = 0;

  constructor(private readonly handler: Handler) {}

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Listens on 127.0.0.1, on a free port unless told which (`npm run example:upstream`). */
  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.serve(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => {
        this.server!.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  /** Injects a fault for the next `times` matching requests. */
  fail(match: (req: FakeRequest) => boolean, times: number, respond: Fault['respond']): Fault {
    const fault = { match, times, respond };
    this.faults.push(fault);
    return fault;
  }

  clearFaults(): void {
    this.faults = [];
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.origin);
    let body: any = undefined;
    if (rawBody) {
      const type = req.headers['content-type'] ?? '';
      if (type.includes('json')) {
        try {
          body = JSON.parse(rawBody);
        } catch {
          body = undefined;
        }
      } else if (type.includes('x-www-form-urlencoded')) {
        body = Object.fromEntries(new URLSearchParams(rawBody));
      } else body = rawBody;
    }
    const fake: FakeRequest = {
      at: Date.now(),
      method: req.method ?? 'GET',
      url,
      path: url.pathname,
      headers: req.headers,
      body,
      rawBody,
    };
    this.requests.push(fake);
    try {
      if (this.slowness?.match(fake)) {
        await new Promise((resolve) => setTimeout(resolve, this.slowness!.ms));
      }
      const fault = this.faults.find((f) => f.times > 0 && f.match(fake));
      if (fault) {
        fault.times--;
        await fault.respond(fake, res);
        return;
      }
      await this.handler(fake, res);
    } catch (error) {
      if (!res.headersSent) json(res, 500, { error: String(error) });
      else res.destroy();
    }
  }
}
