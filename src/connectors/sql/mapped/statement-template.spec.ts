import {
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  DummyDriver,
} from 'kysely';
import { Slot, statementTemplate } from './statement-template';

const db = new Kysely<any>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new SqliteIntrospector(k),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
});

describe('statementTemplate', () => {
  const tenant = new Slot('tenant');
  const limit = new Slot('limit');
  const query = (t: unknown, l: unknown) =>
    db
      .selectFrom('contacts')
      .select('id')
      .where('account_id', '=', t)
      .where('kind', '=', 'person')
      .limit(l as number)
      .compile();

  it('binds each run its own values where the slots were, keeping the fixed ones', () => {
    const bind = statementTemplate(query(tenant, limit), [tenant, limit]);
    const first = bind([7, 501]);
    expect(first.sql).toBe(query(7, 501).sql);
    expect(first.parameters).toEqual([7, 'person', 501]);
    expect(bind([8, 11]).parameters).toEqual([8, 'person', 11]);
    // An earlier run's parameters are its own.
    expect(first.parameters).toEqual([7, 'person', 501]);
  });

  it('refuses a statement binding a slot it is not given', () => {
    expect(() => statementTemplate(query(tenant, limit), [tenant])).toThrow(/slot limit/);
  });
});
