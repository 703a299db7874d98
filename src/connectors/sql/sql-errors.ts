import { RetryableUpstreamError, UpstreamError } from '../ports/errors';

/** SQLite lock contention (SQLITE_BUSY, SQLITE_LOCKED and their extended codes). */
const SQLITE_CONTENTION = /^SQLITE_(BUSY|LOCKED)(_[A-Z]+)?$/;

/** Socket errors: the database server could not be reached, or dropped the connection. */
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** PostgreSQL SQLSTATEs of lock contention: the transaction was rolled back, try again. */
const PG_CONTENTION = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available (lock_timeout)
]);
/** PostgreSQL SQLSTATEs of a server that cannot serve now (class 08 is added below). */
const PG_UNAVAILABLE = new Set([
  '53300', // too_many_connections
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, or in recovery)
]);
const PG_TIMEOUT = '57014'; // query_canceled (statement_timeout)

/** MySQL/MariaDB error codes (mysql2 names them) of lock contention. */
const MYSQL_CONTENTION = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);
/** MySQL/MariaDB and mysql2 codes of a server that cannot serve now, or a lost connection. */
const MYSQL_UNAVAILABLE = new Set([
  'ER_CON_COUNT_ERROR',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
  'ER_NET_READ_ERROR',
  'ER_NET_READ_INTERRUPTED',
  'ER_NET_ERROR_ON_WRITE',
  'ER_NET_WRITE_INTERRUPTED',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
]);
/** The statement ran past its limit: MariaDB's max_statement_time, MySQL's max_execution_time. */
const MYSQL_TIMEOUT = new Set(['ER_STATEMENT_TIMEOUT', 'ER_QUERY_TIMEOUT']);
/** MariaDB's own error numbers, which mysql2 (knowing MySQL's) gives no code. */
const MARIADB_ERRNO: Record<number, string> = {
  1927: 'ER_CONNECTION_KILLED',
  1969: 'ER_STATEMENT_TIMEOUT',
};

/** node-postgres's own connection failures, which carry no code. */
const PG_CONNECTION_MESSAGE =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

const busy = (code: string) =>
  new RetryableUpstreamError(`The database is busy (${code})`, undefined, 'upstream_busy');
const unavailable = (code: string) =>
  new RetryableUpstreamError(
    `The database is unavailable (${code})`,
    undefined,
    'upstream_unreachable',
  );
const timedOut = (code: string) =>
  new UpstreamError(`The database did not answer in time (${code})`, true);
const failed = (code: string) => new UpstreamError(`The database failed (${code})`);

/** node-postgres's DatabaseError, recognised by its shape: the driver is loaded only on PostgreSQL. */
function isPostgresError(error: object, code: string): boolean {
  return (
    typeof (error as { severity?: unknown }).severity === 'string' && /^[0-9A-Z]{5}$/.test(code)
  );
}

interface MysqlErrorShape {
  code?: unknown;
  errno?: unknown;
  sqlState?: unknown;
  sqlMessage?: unknown;
  fatal?: unknown;
}

/** The code of a mysql2 error (from the server or the protocol), or undefined for other errors. */
function mysqlCode(error: MysqlErrorShape, code: string): string | undefined {
  if (/^(ER_|PROTOCOL_)/.test(code)) return code;
  if (typeof error.sqlState === 'string' || typeof error.sqlMessage === 'string') {
    if (code) return code;
    if (typeof error.errno === 'number')
      return MARIADB_ERRNO[error.errno] ?? `errno ${error.errno}`;
  }
  return undefined;
}

/**
 * The SQL connector's failures in the resilience layer's terms, for SQLite, PostgreSQL and
 * MySQL/MariaDB alike:
 *
 * - lock contention (SQLite busy/locked, deadlocks, serialization failures, lock timeouts,
 *   `upstream_busy`) and an unreachable or overloaded server (connection refused or reset, too
 *   many connections, shutting down, `upstream_unreachable`) are a RetryableUpstreamError: the
 *   failed statement or transaction changed nothing, so running it again is safe, writes included;
 * - a statement cancelled by its time limit is a timeout (`upstream_timeout`, 504);
 * - any other database error is an UpstreamError (`upstream_failed`, 502).
 *
 * Messages name only the error code, never the statement, its values or the server's address.
 */
export function classifySqlError(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return error;
  const rawCode = (error as { code?: unknown }).code;
  const code = typeof rawCode === 'string' ? rawCode : '';

  if (code.startsWith('SQLITE_')) return SQLITE_CONTENTION.test(code) ? busy(code) : failed(code);
  if (NETWORK.has(code)) return unavailable(code);

  if (code && isPostgresError(error, code)) {
    if (PG_CONTENTION.has(code)) return busy(code);
    if (PG_UNAVAILABLE.has(code) || code.startsWith('08')) return unavailable(code);
    if (code === PG_TIMEOUT) return timedOut(code);
    return failed(code);
  }
  const mysql = mysqlCode(error as MysqlErrorShape, code);
  if (mysql) {
    if (MYSQL_CONTENTION.has(mysql)) return busy(mysql);
    if (MYSQL_UNAVAILABLE.has(mysql)) return unavailable(mysql);
    if (MYSQL_TIMEOUT.has(mysql)) return timedOut(mysql);
    return failed(mysql);
  }
  if (!code && error instanceof Error) {
    // node-postgres's lost connections, and mysql2's commands on a connection the server closed.
    const fatal = (error as MysqlErrorShape).fatal === true;
    if (fatal || PG_CONNECTION_MESSAGE.test(error.message)) {
      return new RetryableUpstreamError(
        'The database connection failed',
        undefined,
        'upstream_unreachable',
      );
    }
  }
  return error;
}
