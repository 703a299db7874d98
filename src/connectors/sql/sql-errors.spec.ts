import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { DatabaseError } from 'pg';
import { RetryableUpstreamError, UpstreamError } from '../ports/errors';
import { classifySqlError } from './sql-errors';

describe('classifySqlError', () => {
  it('a write against a database locked by another connection is retryable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sql-errors-'));
    const path = join(dir, 'db.sqlite');
    const holder = new BetterSqlite3(path);
    const other = new BetterSqlite3(path);
    try {
      holder.pragma('journal_mode = WAL');
      holder.exec('create table t (x integer)');
      other.pragma('busy_timeout = 0');
      holder.exec('begin immediate');
      let caught: unknown;
      try {
        other.exec('insert into t values (1)');
      } catch (error) {
        caught = error;
      }
      expect((caught as { code?: string }).code).toBe('SQLITE_BUSY');
      const classified = classifySqlError(caught);
      expect(classified).toBeInstanceOf(RetryableUpstreamError);
      expect((classified as Error).message).toBe('The database is busy (SQLITE_BUSY)');
      expect((classified as UpstreamError).code).toBe('upstream_busy');
      holder.exec('rollback');
    } finally {
      holder.close();
      other.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('other database errors are plain upstream errors naming only the code', () => {
    const db = new BetterSqlite3(':memory:');
    let caught: unknown;
    try {
      db.exec("select * from secret_table where password = 'hunter2'");
    } catch (error) {
      caught = error;
    }
    const classified = classifySqlError(caught);
    expect(classified).toBeInstanceOf(UpstreamError);
    expect(classified).not.toBeInstanceOf(RetryableUpstreamError);
    expect((classified as Error).message).toBe('The database failed (SQLITE_ERROR)');
    expect((classified as UpstreamError).code).toBe('upstream_failed');
    db.close();
  });

  it('leaves other errors alone', () => {
    const error = new TypeError('bug');
    expect(classifySqlError(error)).toBe(error);
  });

  /** An error as node-postgres reports the server's: a DatabaseError with its SQLSTATE. */
  const pgError = (code: string) => {
    const error = new DatabaseError('relation "secret_table" does not exist', 100, 'error');
    error.code = code;
    error.severity = 'ERROR';
    return error;
  };
  /** An error as mysql2 reports the server's: code (when mysql2 knows it), errno, sqlState. */
  const mysqlError = (code: string | undefined, errno: number, sqlState: string) =>
    Object.assign(new Error("Duplicate entry 'hunter2' for key 'username'"), {
      code,
      errno,
      sqlState,
      sqlMessage: "Duplicate entry 'hunter2' for key 'username'",
    });
  const socketError = (code: string) =>
    Object.assign(new Error(`connect ${code} 10.0.0.7:5432`), { code, syscall: 'connect' });

  it.each([
    ['40001', 'busy'],
    ['40P01', 'busy'],
    ['55P03', 'busy'],
    ['53300', 'unavailable'],
    ['57P01', 'unavailable'],
    ['57P03', 'unavailable'],
    ['08006', 'unavailable'],
  ])('PostgreSQL %s is retryable (%s)', (code, kind) => {
    const classified = classifySqlError(pgError(code));
    expect(classified).toBeInstanceOf(RetryableUpstreamError);
    expect((classified as Error).message).toBe(`The database is ${kind} (${code})`);
    expect((classified as UpstreamError).code).toBe(
      kind === 'busy' ? 'upstream_busy' : 'upstream_unreachable',
    );
  });

  it.each([
    ['ER_LOCK_DEADLOCK', 1213, '40001', 'busy'],
    ['ER_LOCK_WAIT_TIMEOUT', 1205, 'HY000', 'busy'],
    ['ER_CON_COUNT_ERROR', 1040, '08004', 'unavailable'],
    ['ER_SERVER_SHUTDOWN', 1053, '08S01', 'unavailable'],
  ])('MySQL %s is retryable (%s)', (code, errno, sqlState, kind) => {
    const classified = classifySqlError(mysqlError(code, errno, sqlState));
    expect(classified).toBeInstanceOf(RetryableUpstreamError);
    expect((classified as Error).message).toBe(`The database is ${kind} (${code})`);
  });

  it('MariaDB’s own codes, which mysql2 does not name, are read from the error number', () => {
    const killed = classifySqlError(mysqlError(undefined, 1927, '70100'));
    expect(killed).toBeInstanceOf(RetryableUpstreamError);
    expect((killed as Error).message).toBe('The database is unavailable (ER_CONNECTION_KILLED)');
    const timeout = classifySqlError(mysqlError(undefined, 1969, '70100'));
    expect(timeout).toBeInstanceOf(UpstreamError);
    expect(timeout).not.toBeInstanceOf(RetryableUpstreamError);
    expect((timeout as UpstreamError).timeout).toBe(true);
    const other = classifySqlError(mysqlError(undefined, 4025, '23000'));
    expect((other as Error).message).toBe('The database failed (errno 4025)');
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'EAI_AGAIN'])(
    'a socket error %s is retryable and does not name the server',
    (code) => {
      const classified = classifySqlError(socketError(code));
      expect(classified).toBeInstanceOf(RetryableUpstreamError);
      expect((classified as Error).message).toBe(`The database is unavailable (${code})`);
      expect((classified as UpstreamError).code).toBe('upstream_unreachable');
    },
  );

  it.each([
    'Connection terminated unexpectedly',
    'Connection terminated due to connection timeout',
    'timeout exceeded when trying to connect',
  ])('node-postgres’s "%s" is retryable', (message) => {
    const classified = classifySqlError(new Error(message));
    expect(classified).toBeInstanceOf(RetryableUpstreamError);
    expect((classified as Error).message).toBe('The database connection failed');
  });

  it('a mysql2 command on a connection the server closed is retryable', () => {
    const error = Object.assign(
      new Error("Can't add new command when connection is in closed state"),
      { fatal: true },
    );
    expect(classifySqlError(error)).toBeInstanceOf(RetryableUpstreamError);
  });

  it('statement timeouts are timeouts (504), not retried', () => {
    for (const error of [pgError('57014'), mysqlError('ER_QUERY_TIMEOUT', 3024, 'HY000')]) {
      const classified = classifySqlError(error);
      expect(classified).toBeInstanceOf(UpstreamError);
      expect(classified).not.toBeInstanceOf(RetryableUpstreamError);
      expect((classified as UpstreamError).timeout).toBe(true);
      expect((classified as UpstreamError).code).toBe('upstream_timeout');
    }
  });

  it('other PostgreSQL and MySQL errors are plain upstream errors naming only the code', () => {
    const pg = classifySqlError(pgError('42P01'));
    expect(pg).not.toBeInstanceOf(RetryableUpstreamError);
    expect((pg as Error).message).toBe('The database failed (42P01)');
    const mysql = classifySqlError(mysqlError('ER_DUP_ENTRY', 1062, '23000'));
    expect(mysql).not.toBeInstanceOf(RetryableUpstreamError);
    expect((mysql as Error).message).toBe('The database failed (ER_DUP_ENTRY)');
    for (const message of [(pg as Error).message, (mysql as Error).message]) {
      expect(message).not.toMatch(/secret_table|hunter2/);
    }
  });

  it('leaves errors without a database code alone', () => {
    const plain = new Error('Connection refused by policy');
    expect(classifySqlError(plain)).toBe(plain);
    expect(classifySqlError('text')).toBe('text');
    expect(classifySqlError(null)).toBe(null);
  });
});
