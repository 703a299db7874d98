import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { RetryableUpstreamError, UpstreamError } from '../errors';
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
    db.close();
  });

  it('leaves other errors alone', () => {
    const error = new TypeError('bug');
    expect(classifySqlError(error)).toBe(error);
  });
});
