import { connect, Socket } from 'node:net';

/** A raw TCP client of the bridge: what it was sent back, and when the server closed it. */
export interface RawClient {
  socket: Socket;
  /** Everything received so far. */
  received(): string;
  /** Resolves when the server closes the connection, with everything it sent. */
  closed: Promise<{ text: string; afterMs: number }>;
}

/** Opens a connection to 127.0.0.1:`port` and writes `bytes` (if any) once connected. */
export function rawClient(port: number, bytes?: string | Buffer): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1');
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    const received = () => Buffer.concat(chunks).toString('latin1');
    const closed = new Promise<{ text: string; afterMs: number }>((done) => {
      socket.on('close', () => done({ text: received(), afterMs: Date.now() - started }));
    });
    socket.on('error', () => undefined);
    socket.once('connect', () => {
      if (bytes !== undefined) socket.write(bytes);
      resolve({ socket, received, closed });
    });
    socket.once('error', reject);
  });
}

/** The status and parsed JSON body of a raw HTTP/1.1 response. */
export function parseResponse(text: string): {
  status: number;
  headers: Record<string, string>;
  body: any;
} {
  const [head, ...rest] = text.split('\r\n\r\n');
  const [statusLine, ...headerLines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const at = line.indexOf(':');
    headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  const payload = rest.join('\r\n\r\n');
  let body: unknown = payload;
  try {
    body = JSON.parse(payload);
  } catch {
    // not JSON: kept as text
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}
