import { resolve } from 'node:path';
import { databaseTarget, mysqlServerFromVersion, sqlitePath } from './database';

describe('databaseTarget (DATABASE_URL)', () => {
  it('empty means the SQLite file in DATA_DIR', () => {
    expect(databaseTarget(undefined, './data')).toEqual({
      dialect: 'sqlite',
      path: resolve('./data/bridge.sqlite'),
    });
  });

  it.each(['postgres://u:p@db:5432/bridge', 'postgresql://u@db/bridge?sslmode=require'])(
    '%s is PostgreSQL, passed on as written',
    (url) => {
      expect(databaseTarget(url, './data')).toEqual({ dialect: 'postgres', url });
    },
  );

  it.each([
    ['mysql://u:p@db:3306/bridge', 'mysql://u:p@db:3306/bridge'],
    ['mariadb://u:p@db:3306/bridge', 'mysql://u:p@db:3306/bridge'],
    ['MariaDB://u@db/bridge', 'mysql://u@db/bridge'],
  ])('%s is MySQL/MariaDB', (url, passed) => {
    expect(databaseTarget(url, './data')).toEqual({ dialect: 'mysql', url: passed });
  });

  it('sqlite: and file: name an SQLite file; :memory: stays in memory', () => {
    expect(sqlitePath('sqlite:/tmp/x.sqlite', './data')).toBe('/tmp/x.sqlite');
    expect(sqlitePath('file:///tmp/y.sqlite', './data')).toBe('/tmp/y.sqlite');
    expect(sqlitePath('sqlite::memory:', './data')).toBe(':memory:');
  });

  it('refuses other schemes without echoing the URL (it may hold a password)', () => {
    expect(() => databaseTarget('mssql://sa:secret@db/x', './data')).toThrow(
      /^DATABASE_URL must be postgres:\/\/.*sqlite:<path>$/,
    );
    expect(() => databaseTarget('mssql://sa:secret@db/x', './data')).not.toThrow(/secret/);
  });
});

describe('mysqlServerFromVersion', () => {
  it.each([
    ['10.11.19-MariaDB-0+deb12u1', true, true],
    ['10.5.0-MariaDB', true, true],
    ['10.4.34-MariaDB-log', true, false],
    ['11.4.2-MariaDB', true, true],
    ['8.0.39', false, false],
    ['8.4.2-log', false, false],
  ])('%s: MariaDB %s, INSERT ... RETURNING %s', (version, mariadb, insertReturning) => {
    expect(mysqlServerFromVersion(version)).toEqual({ mariadb, insertReturning });
  });
});
