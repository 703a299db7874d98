import { databaseOptions } from '../connectors/sql/demo-database';
import { loadConfig } from './app-config';

describe('databaseOptions', () => {
  it('bounds statements by the request budget unless DATABASE_QUERY_TIMEOUT_MS says otherwise', () => {
    expect(databaseOptions(loadConfig({ REQUEST_BUDGET_MS: '3000' }))).toEqual({
      poolMax: 10,
      poolIdleMs: 10_000,
      connectTimeoutMs: 2000,
      statementTimeoutMs: 3000,
      lockTimeoutMs: 1000,
    });
    expect(databaseOptions(loadConfig({ DATABASE_QUERY_TIMEOUT_MS: '0' })).statementTimeoutMs).toBe(
      0,
    );
    expect(
      databaseOptions(loadConfig({ DATABASE_QUERY_TIMEOUT_MS: '1500' })).statementTimeoutMs,
    ).toBe(1500);
  });
});
