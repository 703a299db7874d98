import { performance } from 'node:perf_hooks';
import { Exchange, Problem } from './contract-checks';

export type PostResult = { exchange: Exchange } | { failure: Problem; elapsedMs: number };

/**
 * POSTs a JSON body as Talkdesk does and reads the whole answer, giving up (as Talkdesk
 * does) when the last byte has not arrived within `timeoutMs`.
 */
export async function postJson(url: string, body: unknown, timeoutMs: number): Promise<PostResult> {
  const started = performance.now();
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
    const text = await response.text();
    return {
      exchange: {
        status: response.status,
        contentType: response.headers.get('content-type') ?? undefined,
        text,
        elapsedMs: performance.now() - started,
      },
    };
  } catch (error) {
    const elapsedMs = performance.now() - started;
    if (signal.aborted) {
      return {
        failure: {
          check: 'deadline',
          message: `no complete response within ${timeoutMs} ms (Talkdesk gives up)`,
        },
        elapsedMs,
      };
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    return { failure: { check: 'network', message: `request failed: ${reason}` }, elapsedMs };
  }
}
