import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { CachedStatements, openDatabase } from './database';

describe('CachedStatements', () => {
  let sqlite: BetterSqlite3.Database;
  beforeEach(() => {
    sqlite = new BetterSqlite3(':memory:');
    sqlite.exec('create table t (id integer primary key, v text)');
    sqlite.prepare('insert into t (v) values (?), (?), (?)').run('a', 'b', 'c');
  });
  afterEach(() => {
    if (sqlite.open) sqlite.close();
  });

  it('prepares each SQL text once and reuses the statement', () => {
    const prepare = jest.spyOn(sqlite, 'prepare');
    const cache = new CachedStatements(sqlite);
    const first = cache.prepare('select v from t where id = ?');
    expect(first.get(1)).toEqual({ v: 'a' });
    const again = cache.prepare('select v from t where id = ?');
    expect(again).toBe(first);
    expect(again.get(2)).toEqual({ v: 'b' });
    expect(prepare).toHaveBeenCalledTimes(1);
  });

  it('keeps at most its capacity, dropping the least recently used', () => {
    const cache = new CachedStatements(sqlite, 2);
    const a = cache.prepare('select 1');
    cache.prepare('select 2');
    expect(cache.prepare('select 1')).toBe(a); // now the most recent
    cache.prepare('select 3'); // evicts "select 2"
    expect(cache.size).toBe(2);
    expect(cache.prepare('select 1')).toBe(a);
  });

  it('prepares a fresh statement while the cached one is still iterating', () => {
    const cache = new CachedStatements(sqlite);
    const streaming = cache.prepare('select v from t order by id');
    const rows = streaming.iterate();
    expect(rows.next().value).toEqual({ v: 'a' });
    const other = cache.prepare('select v from t order by id');
    expect(other).not.toBe(streaming);
    expect(other.all()).toHaveLength(3);
    expect([...rows]).toEqual([{ v: 'b' }, { v: 'c' }]);
  });

  it('serves Kysely queries, transactions included, through the cache', async () => {
    const db = openDatabase('sqlite::memory:', '.');
    try {
      await sql`create table n (x integer)`.execute(db);
      await db.transaction().execute(async (tx) => {
        for (const x of [1, 2, 3]) await sql`insert into n (x) values (${x})`.execute(tx);
      });
      const rows = await sql<{ total: number }>`select sum(x) as total from n`.execute(db);
      expect(rows.rows).toEqual([{ total: 6 }]);
    } finally {
      await db.destroy();
    }
  });
});
