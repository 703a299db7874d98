import { RetryableUpstreamError, UpstreamError } from '../errors';

/** Lock contention (SQLITE_BUSY, SQLITE_LOCKED and their extended codes). */
const CONTENTION = /^SQLITE_(BUSY|LOCKED)(_[A-Z]+)?$/;

/**
 * The SQL adapter's failures in the resilience layer's terms: a busy or locked database is a
 * RetryableUpstreamError (the failed statement or transaction changed nothing, so running it
 * again is safe, writes included), any other database error an UpstreamError (502) naming only
 * its code, never the statement or its values.
 */
export function classifySqlError(error: unknown): unknown {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return error;
  if (CONTENTION.test(code)) return new RetryableUpstreamError(`The database is busy (${code})`);
  return new UpstreamError(`The database failed (${code})`);
}
