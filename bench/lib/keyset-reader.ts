/**
 * What the limit and the baseline servers share: their settings from the environment and the
 * keyset statements the SQL adapter's query builder emits (first page, and pages after a
 * position), prepared once on the bench's SQLite file for the bench's account.
 */
import BetterSqlite3 from 'better-sqlite3';

export const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};

export interface PageMeta {
  offset?: unknown;
  context?: unknown;
}

/**
 * Reads up to `pageSize + 1` rows of `select * from contacts` after the page's `offset`
 * (`updatedAt:id` in plain text) up to its `context` (the run's upper bound, epoch ms; now when
 * absent), for `BASELINE_ACCOUNT` in `BASELINE_DATABASE`.
 */
export function keysetReader(
  pageSize: number,
): (meta: PageMeta) => { rows: unknown[]; until: number } {
  const db = new BetterSqlite3(env('BASELINE_DATABASE'), { readonly: true });
  const account = db
    .prepare('select id from accounts where username = ?')
    .get(env('BASELINE_ACCOUNT')) as { id: number } | undefined;
  if (!account) throw new Error('BASELINE_ACCOUNT does not exist');
  const first = db.prepare(
    'select * from "contacts" where "account_id" = ? and "updated_at" <= ? order by "updated_at", "id" limit ?',
  );
  const next = db.prepare(
    'select * from "contacts" where "account_id" = ? and "updated_at" <= ? and "updated_at" >= ? and ("updated_at" > ? or "id" > ?) order by "updated_at", "id" limit ?',
  );
  return (meta) => {
    const until = typeof meta.context === 'string' ? Number(meta.context) : Date.now();
    const [updatedAt, id] =
      typeof meta.offset === 'string' ? meta.offset.split(':').map(Number) : [undefined, undefined];
    const rows =
      updatedAt === undefined
        ? first.all(account.id, until, pageSize + 1)
        : next.all(account.id, until, updatedAt, updatedAt, id, pageSize + 1);
    return { rows, until };
  };
}
