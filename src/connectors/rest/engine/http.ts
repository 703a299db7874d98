import { Dispatcher, request } from 'undici';
import { UpstreamError } from '../../ports/errors';
import { classifyHttpError } from '../../resilience/http-upstream';
import { isAbortError } from '../../../common/time-budget';
import { HttpMethod } from '../manifest/manifest.types';

/** One request, fully built: URL, headers with credentials, encoded body. */
export interface OutgoingRequest {
  method: HttpMethod;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  idempotent: boolean;
  /** What the request is for, in messages: "contacts", "login", "action create_ticket"... */
  label: string;
}

export interface UpstreamAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON; the text when the answer is not JSON; null when empty. */
  body: unknown;
  ms: number;
  /** Size of the body as received. */
  bytes?: number;
}

export function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Sends a request through the connection pool, under the caller's deadline, reading at most
 * `maxBytes` of the answer. Network failures become the resilience layer's errors (retryable
 * when the request never left, or when repeating it is harmless).
 */
export async function send(
  dispatcher: Dispatcher,
  req: OutgoingRequest,
  signal: AbortSignal,
  maxBytes: number,
): Promise<UpstreamAnswer> {
  const started = performance.now();
  let status: number;
  let headers: UpstreamAnswer['headers'];
  let text: string;
  let size = 0;
  try {
    const res = await request(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal,
      dispatcher,
    });
    status = res.statusCode;
    headers = res.headers;
    const chunks: Buffer[] = [];
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        res.body.destroy();
        throw new UpstreamError(
          `The external system answered the ${req.label} request with more than ${maxBytes} bytes (connection.max_response_bytes)`,
        );
      }
      chunks.push(chunk as Buffer);
    }
    text = Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    if (error instanceof UpstreamError || isAbortError(error) || signal.aborted) throw error;
    const classified = classifyHttpError(error, req.idempotent);
    if (classified instanceof UpstreamError) throw classified;
    const code = (error as { code?: unknown })?.code;
    throw new UpstreamError(
      `The ${req.label} request to the external system failed${typeof code === 'string' ? ` (${code})` : ''}`,
    );
  }
  const ms = performance.now() - started;
  const type = headerText(headers['content-type']) ?? '';
  const trimmed = text.trim();
  if (trimmed === '') return { status, headers, body: null, ms, bytes: size };
  const looksJson = /json/i.test(type) || /^[[{]/.test(trimmed);
  if (!looksJson) return { status, headers, body: text, ms, bytes: size };
  try {
    return { status, headers, body: JSON.parse(trimmed) as unknown, ms, bytes: size };
  } catch {
    if (status >= 200 && status < 300 && /json/i.test(type)) {
      throw new UpstreamError(
        `The external system answered the ${req.label} request with a body that is not valid JSON`,
      );
    }
    return { status, headers, body: text, ms, bytes: size };
  }
}
