import { ConfigError } from '../common/config-error';
import { MAX_CONTACTS_PAGE_SIZE, MAX_REQUEST_BUDGET_MS } from '../talkdesk/contract/limits';
import { ENVIRONMENT, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('has working defaults with an empty environment', () => {
    const config = loadConfig({});

    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      publicBaseUrl: 'http://localhost:3000',
      connector: 'sql',
      dataDir: './data',
      seedDemo: true,
      contactsPageSize: 250,
      agentsPageSize: 100,
      interactionsLimit: 50,
      incrementalLookbackSeconds: 30,
      requestBudgetMs: 5000,
      defaultPhoneRegion: 'US',
      credentialsCacheSeconds: 60,
      logLevel: 'info',
    });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.contactsPageSize).toBeLessThanOrEqual(MAX_CONTACTS_PAGE_SIZE);
    expect(config.requestBudgetMs).toBeLessThanOrEqual(MAX_REQUEST_BUDGET_MS);
  });

  it('reads CONTACTS_PAGE_SIZE and other numbers from the environment', () => {
    const config = loadConfig({
      CONTACTS_PAGE_SIZE: '40',
      INCREMENTAL_LOOKBACK_SECONDS: '0',
      CREDENTIALS_CACHE_SECONDS: '5',
      PORT: '8080',
    });

    expect(config.contactsPageSize).toBe(40);
    expect(config.incrementalLookbackSeconds).toBe(0);
    expect(config.credentialsCacheSeconds).toBe(5);
    expect(config.port).toBe(8080);
  });

  it('takes contactsPageSize from the overrides, over the environment', () => {
    expect(loadConfig({}, { contactsPageSize: 7 }).contactsPageSize).toBe(7);
    expect(loadConfig({ CONTACTS_PAGE_SIZE: '40' }, { contactsPageSize: 7 }).contactsPageSize).toBe(
      7,
    );
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ CONTACTS_PAGE_SIZE: '' }).contactsPageSize).toBe(250);
  });

  it('accepts the hard cap on page size and refuses anything above it', () => {
    expect(
      loadConfig({ CONTACTS_PAGE_SIZE: String(MAX_CONTACTS_PAGE_SIZE) }).contactsPageSize,
    ).toBe(MAX_CONTACTS_PAGE_SIZE);
    expect(() => loadConfig({ CONTACTS_PAGE_SIZE: String(MAX_CONTACTS_PAGE_SIZE + 1) })).toThrow(
      ConfigError,
    );
    expect(() => loadConfig({}, { contactsPageSize: MAX_CONTACTS_PAGE_SIZE + 1 })).toThrow(
      ConfigError,
    );
    expect(() => loadConfig({ CONTACTS_PAGE_SIZE: String(MAX_CONTACTS_PAGE_SIZE + 1) })).toThrow(
      /CONTACTS_PAGE_SIZE/,
    );
  });

  it('refuses a request budget Talkdesk would not wait for', () => {
    expect(() => loadConfig({ REQUEST_BUDGET_MS: String(MAX_REQUEST_BUDGET_MS + 1) })).toThrow(
      /REQUEST_BUDGET_MS/,
    );
  });

  it.each([
    ['CONTACTS_PAGE_SIZE', 'abc'],
    ['CONTACTS_PAGE_SIZE', '0'],
    ['CONTACTS_PAGE_SIZE', '2.5'],
    ['INCREMENTAL_LOOKBACK_SECONDS', '-1'],
    ['PORT', '70000'],
    ['CONNECTOR', 'mongo'],
    ['LOG_LEVEL', 'loud'],
    ['PUBLIC_BASE_URL', 'not a url'],
    ['DEFAULT_PHONE_REGION', 'U'],
  ])('names the bad variable %s=%p in a ConfigError', (variable, value) => {
    let error: unknown;
    try {
      loadConfig({ [variable]: value });
    } catch (e) {
      error = e;
    }

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(variable);
  });

  it('names every bad variable at once, and no good one', () => {
    let message = '';
    try {
      loadConfig({ CONTACTS_PAGE_SIZE: 'many', AGENTS_PAGE_SIZE: '-3', PORT: '8080' });
    } catch (e) {
      message = (e as Error).message;
    }

    expect(message).toContain('CONTACTS_PAGE_SIZE');
    expect(message).toContain('AGENTS_PAGE_SIZE');
    expect(message).not.toContain('PORT');
  });

  it('CONNECTOR=rest needs CONNECTOR_MANIFEST; CONNECTOR_BASE_URL must be an HTTP URL', () => {
    expect(() => loadConfig({ CONNECTOR: 'rest' })).toThrow(
      /CONNECTOR_MANIFEST=undefined: CONNECTOR=rest needs CONNECTOR_MANIFEST: the path of a connector manifest$/,
    );
    const config = loadConfig({
      CONNECTOR: 'rest',
      CONNECTOR_MANIFEST: 'connectors/helpdesk.yaml',
      CONNECTOR_BASE_URL: 'http://127.0.0.1:8080/{{ auth.subdomain }}/api',
    });
    expect(config.connectorManifest).toBe('connectors/helpdesk.yaml');
    expect(() => loadConfig({ CONNECTOR_BASE_URL: 'ftp://x.example' })).toThrow(
      /CONNECTOR_BASE_URL must be an http/,
    );
  });

  it('reads SEED_DEMO as a boolean', () => {
    expect(loadConfig({ SEED_DEMO: 'false' }).seedDemo).toBe(false);
    expect(loadConfig({ SEED_DEMO: 'yes' }).seedDemo).toBe(true);
  });

  it('defaults PUBLIC_BASE_URL from PORT, and keeps one that is set', () => {
    expect(loadConfig({ PORT: '8080' }).publicBaseUrl).toBe('http://localhost:8080');
    expect(loadConfig({}, { port: 4000 }).publicBaseUrl).toBe('http://localhost:4000');
    expect(
      loadConfig({ PORT: '8080', PUBLIC_BASE_URL: 'https://bridge.example.com' }).publicBaseUrl,
    ).toBe('https://bridge.example.com');
    expect(
      loadConfig({ PORT: '8080' }, { publicBaseUrl: 'https://other.example.com' }).publicBaseUrl,
    ).toBe('https://other.example.com');
  });

  it('reads BRIDGE_COMMIT, a commit id or tag', () => {
    expect(loadConfig({}).bridgeCommit).toBeUndefined();
    expect(loadConfig({ BRIDGE_COMMIT: '3f2c9e1a' }).bridgeCommit).toBe('3f2c9e1a');
    expect(() => loadConfig({ BRIDGE_COMMIT: 'a b' })).toThrow(/BRIDGE_COMMIT/);
    expect(() => loadConfig({ BRIDGE_COMMIT: 'x'.repeat(65) })).toThrow(/BRIDGE_COMMIT/);
  });

  it('drops trailing slashes of the base URLs', () => {
    const config = loadConfig({
      PUBLIC_BASE_URL: 'https://bridge.example.com/',
      RECORD_URL_BASE: 'https://crm.example.com//',
    });

    expect(config.publicBaseUrl).toBe('https://bridge.example.com');
    expect(config.recordUrlBase).toBe('https://crm.example.com');
  });

  it('ignores variables it does not know, and knows a variable for every setting', () => {
    expect(() => loadConfig({ SOMETHING_ELSE: 'x' })).not.toThrow();
    const config = loadConfig({});
    for (const key of Object.keys(ENVIRONMENT)) {
      if (key !== 'databaseUrl') expect(config).toHaveProperty(key);
    }
  });
});

describe('database settings', () => {
  it('accepts PostgreSQL, MySQL/MariaDB and SQLite URLs and refuses others, naming the variable', () => {
    for (const url of [
      'postgres://bridge:pw@db:5432/bridge',
      'postgresql://db/bridge',
      'mysql://root@127.0.0.1:3306/bridge',
      'mariadb://bridge:pw@db/bridge',
      'sqlite:./data/x.sqlite',
    ]) {
      expect(loadConfig({ DATABASE_URL: url }).databaseUrl).toBe(url);
    }
    expect(() => loadConfig({ DATABASE_URL: 'mssql://sa@db/x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_URL: 'postgres:/db' })).toThrow(/DATABASE_URL/);
  });

  it('has pool defaults, reads them from the environment, and leaves the statement timeout to the budget', () => {
    const defaults = loadConfig({});
    expect(defaults).toMatchObject({
      databasePoolMax: 10,
      databasePoolIdleMs: 10_000,
      databaseConnectTimeoutMs: 2000,
      databaseLockTimeoutMs: 1000,
    });
    expect(defaults.databaseQueryTimeoutMs).toBeUndefined();
    const set = loadConfig({
      DATABASE_POOL_MAX: '25',
      DATABASE_QUERY_TIMEOUT_MS: '0',
      DATABASE_LOCK_TIMEOUT_MS: '250',
    });
    expect(set).toMatchObject({
      databasePoolMax: 25,
      databaseQueryTimeoutMs: 0,
      databaseLockTimeoutMs: 250,
    });
    expect(() => loadConfig({ DATABASE_POOL_MAX: '0' })).toThrow(/DATABASE_POOL_MAX/);
  });
});

describe('boolean settings', () => {
  it('reads yes/no words and refuses anything else, naming the variable', () => {
    expect(loadConfig({ SEED_DEMO: 'off' }).seedDemo).toBe(false);
    expect(loadConfig({ SEED_DEMO: 'Yes' }).seedDemo).toBe(true);
    expect(() => loadConfig({ SEED_DEMO: 'maybe' })).toThrow(/SEED_DEMO/);
  });

  it('writes logs synchronously unless LOG_SYNC turns it off', () => {
    expect(loadConfig({}).logSync).toBe(true);
    expect(loadConfig({ LOG_SYNC: 'false' }).logSync).toBe(false);
    expect(() => loadConfig({ LOG_SYNC: 'later' })).toThrow(/LOG_SYNC/);
  });
});
