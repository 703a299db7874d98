import 'reflect-metadata';
import { accessSync, constants } from 'node:fs';
import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  ValidateIf,
  Min,
  MinLength,
  validateSync,
  ValidationError,
} from 'class-validator';
import { IsAddressList, IsTrustProxy } from '../security/address-list';
import { ConfigError } from '../common/config-error';
import {
  MAX_AGENTS_PAGE_SIZE,
  MAX_CONTACTS_PAGE_SIZE,
  MAX_REQUEST_BUDGET_MS,
  TALKDESK_TIMEOUT_MS,
} from '../talkdesk/contract/limits';
import { DEFAULT_PHONE_REGION } from '../talkdesk/contract/phone';
import { DEFAULT_RECORD_URL_BASE } from '../connectors/sql/sql-settings';
import { CONNECTORS, ConnectorKind } from '../connectors/connector-binding';

const BOOLEAN_WORDS: Record<string, boolean> = {
  '1': true,
  true: true,
  yes: true,
  on: true,
  '0': false,
  false: false,
  no: false,
  off: false,
};
/** Reads the usual words for a boolean; anything else stays as given and fails validation. */
const toBoolean = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? (BOOLEAN_WORDS[value.trim().toLowerCase()] ?? value) : value;

/**
 * Every setting of the bridge, read from the environment and validated at start-up so that a
 * mistake stops the process with a message naming the variable, instead of surfacing later.
 * Each property documents its environment variable; the table in docs/configuration.md mirrors it.
 */
export class AppConfig {
  /** PORT */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  port = 3000;

  /** HOST */
  @IsString()
  host = '0.0.0.0';

  /**
   * PUBLIC_BASE_URL: where Talkdesk reaches the bridge; the integration configuration's URLs start
   * with it. Unset, it is http://localhost:<PORT>.
   */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  publicBaseUrl = 'http://localhost:3000';

  /** CONNECTOR: which adapter serves the external system. */
  @IsIn(CONNECTORS)
  connector: ConnectorKind = 'sql';

  /**
   * CONNECTOR_MANIFEST: the connector's manifest (YAML or JSON file): required with CONNECTOR=rest;
   * with CONNECTOR=sql, an SQL manifest describing a database the user already has.
   */
  @ValidateIf(
    (config: AppConfig) => config.connector === 'rest' || config.connectorManifest !== undefined,
  )
  @Matches(/\S/, {
    message: 'CONNECTOR=rest needs CONNECTOR_MANIFEST: the path of a connector manifest',
  })
  connectorManifest?: string;

  /** CONNECTOR_BASE_URL: replaces the manifest's connection.base_url (e.g. a sandbox or a local mock). */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/].*$/, {
    message: 'CONNECTOR_BASE_URL must be an http:// or https:// URL',
  })
  connectorBaseUrl?: string;

  /**
   * DATABASE_URL: the SQL connector's database: postgres://user:password@host:5432/db (or
   * postgresql://), mysql://user:password@host:3306/db (or mariadb://), sqlite:<path>; empty
   * means an SQLite file in DATA_DIR.
   */
  @IsOptional()
  @IsString()
  @Matches(/^((postgres|postgresql|mysql|mariadb):\/\/.+|(sqlite|file):.+)$/i, {
    message:
      'must be postgres://..., postgresql://..., mysql://..., mariadb://... or sqlite:<path>',
  })
  databaseUrl?: string;

  /** DATABASE_URL_FILE: a file holding DATABASE_URL (a mounted secret); wins over DATABASE_URL. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  databaseUrlFile?: string;

  /** DATA_DIR: where the embedded SQLite database lives, and the token secret generated without TOKEN_SECRET. */
  @IsString()
  @MinLength(1)
  dataDir = './data';

  /** DATABASE_POOL_MAX: most connections to PostgreSQL/MySQL one process keeps open. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  databasePoolMax = 10;

  /** DATABASE_POOL_IDLE_MS: a pooled connection idle this long is closed. */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  databasePoolIdleMs = 10_000;

  /** DATABASE_CONNECT_TIMEOUT_MS: longest wait to open a connection (on PostgreSQL, also for a free pooled one). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  databaseConnectTimeoutMs = 2000;

  /** DATABASE_QUERY_TIMEOUT_MS: the server cancels a statement running longer; empty means REQUEST_BUDGET_MS, 0 no limit. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(600_000)
  databaseQueryTimeoutMs?: number;

  /** DATABASE_LOCK_TIMEOUT_MS: a statement waiting this long for a lock fails and is retried; 0 waits (MySQL: whole seconds). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(600_000)
  databaseLockTimeoutMs = 1000;

  /** SEED_DEMO: seed the demo accounts when the database has no account yet. */
  @Transform(toBoolean)
  @IsBoolean()
  seedDemo = true;

  /** RECORD_URL_BASE: base of the links to records in the external system (contact pop, tickets). */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  recordUrlBase = DEFAULT_RECORD_URL_BASE;

  /** CONTACTS_PAGE_SIZE */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_CONTACTS_PAGE_SIZE)
  contactsPageSize = 250;

  /** AGENTS_PAGE_SIZE */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_AGENTS_PAGE_SIZE)
  agentsPageSize = 100;

  /** INTERACTIONS_LIMIT: most recent interactions returned for one contact. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  interactionsLimit = 50;

  /** INCREMENTAL_LOOKBACK_SECONDS: incremental syncs re-read this much before the instant the previous run read up to. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(7 * 24 * 3600)
  incrementalLookbackSeconds = 30;

  /** REQUEST_BUDGET_MS: time budget of every request, under Talkdesk's 10 s. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(MAX_REQUEST_BUDGET_MS)
  requestBudgetMs = 5000;

  /** UPSTREAM_RETRIES: extra attempts of a call that failed in a retryable way (within the budget). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10)
  upstreamRetries = 2;

  /** UPSTREAM_RETRY_BASE_MS: first backoff ceiling; it doubles per attempt, with full jitter. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  upstreamRetryBaseMs = 100;

  /** UPSTREAM_RETRY_MAX_MS: largest backoff between two attempts (a Retry-After may ask more). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(60_000)
  upstreamRetryMaxMs = 2000;

  /** CIRCUIT_BREAKER_THRESHOLD: consecutive upstream failures that open the circuit breaker; 0 disables it. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1000)
  circuitBreakerThreshold = 5;

  /** CIRCUIT_BREAKER_COOLDOWN_MS: how long an open breaker answers 503 before one trial call (half-open). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  circuitBreakerCooldownMs = 10_000;

  /** SQLITE_BUSY_TIMEOUT_MS: how long one SQLite statement waits for a lock before it fails (and is retried). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_000)
  sqliteBusyTimeoutMs = 50;

  /** SHUTDOWN_GRACE_MS: after SIGTERM/SIGINT, how long in-flight requests may take before the process exits. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(600_000)
  shutdownGraceMs = 10_000;

  /** JSON_MAX_DEPTH: deepest nesting of arrays and objects accepted in a request body. */
  @Type(() => Number)
  @IsInt()
  @Min(2)
  @Max(1000)
  jsonMaxDepth = 32;

  /** DEFAULT_PHONE_REGION: ISO 3166 region for phone numbers written without a country code. */
  @IsString()
  @MinLength(2)
  defaultPhoneRegion = DEFAULT_PHONE_REGION;

  /** BODY_LIMIT_BYTES */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(64 * 1024 * 1024)
  bodyLimitBytes = 1024 * 1024;

  /** HTTP_HEADERS_TIMEOUT_MS: a request's headers must have arrived this long after it began; else 408 and the connection closed. */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(600_000)
  httpHeadersTimeoutMs = 5000;

  /** HTTP_REQUEST_TIMEOUT_MS: the whole request, body included, must have arrived this long after it began; else 408 and closed. */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(600_000)
  httpRequestTimeoutMs = 10_000;

  /** HTTP_KEEP_ALIVE_TIMEOUT_MS: an idle kept-alive connection is closed after this. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  httpKeepAliveTimeoutMs = 72_000;

  /** HTTP_MAX_REQUESTS_PER_SOCKET: requests one kept-alive connection may carry before it is closed; 0 no limit. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  httpMaxRequestsPerSocket = 0;

  /** HTTP_MAX_CONNECTIONS: open connections one process accepts; beyond, new ones are closed at once; 0 no limit. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  httpMaxConnections = 1024;

  /** CREDENTIALS_CACHE_SECONDS: how long verified credentials are trusted without re-checking; 0 disables. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3600)
  credentialsCacheSeconds = 60;

  /** REDIS_URL: shared store of idempotency records, caches, rate-limit counters, REST pacing windows and kept upstream pages; empty keeps them in memory. */
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// or rediss:// URL' })
  redisUrl?: string;

  /** REDIS_KEY_PREFIX: prefix of every key the bridge writes in Redis. */
  @IsString()
  @MinLength(1)
  redisKeyPrefix = 'talkdesk-bridge:';

  /**
   * REST_KEPT_PAGES_TTL_SECONDS: how long the REST connector keeps the upstream pages a batch
   * read but did not hand out, for the run's next batch (in memory, and in Redis with
   * REDIS_URL: every key it writes there expires within this).
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(900)
  restKeptPagesTtlSeconds = 120;

  /**
   * IDEMPOTENCY_WINDOW_SECONDS: without an Idempotency-Key, an identical action (account, name,
   * payload) within this long of the first one's answer runs once; 0 disables. The default
   * spans a retry Talkdesk sends after its 10 s timeout, with 5 s to spare.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(24 * 3600)
  idempotencyWindowSeconds = TALKDESK_TIMEOUT_MS / 1000 + 5;

  /** IDEMPOTENCY_KEY_TTL_SECONDS: how long the result of an action sent with an Idempotency-Key header is kept. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(7 * 24 * 3600)
  idempotencyKeyTtlSeconds = 24 * 3600;

  /** INTERACTIONS_CACHE_SECONDS: how long interaction retrieval answers are cached per account; 0 disables. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(300)
  interactionsCacheSeconds = 0;

  /** BRIDGE_TOKEN: shared secret every webhook must carry (X-Bridge-Token or basic auth password); empty disables. */
  @IsOptional()
  @IsString()
  @MinLength(16)
  bridgeToken?: string;

  /** TOKEN_SECRET: signs next_offset, context and checkpoints (32+ characters, shared by every replica); empty: a secret kept in DATA_DIR. */
  @IsOptional()
  @IsString()
  @MinLength(32)
  tokenSecret?: string;

  /** TOKEN_SECRET_PREVIOUS: the secret before a rotation: its tokens are still accepted. */
  @IsOptional()
  @IsString()
  @MinLength(32)
  tokenSecretPrevious?: string;

  /** IP_ALLOWLIST: comma-separated addresses / CIDR blocks allowed to call the webhooks; empty allows any. */
  @IsOptional()
  @IsAddressList()
  ipAllowlist?: string;

  /** TRUST_PROXY: whose X-Forwarded-For to believe: false, true, a hop count, or proxy addresses / CIDRs. */
  @IsTrustProxy()
  trustProxy = 'false';

  /** RATE_LIMIT_MAX: requests one account may make to one webhook per window; 0 disables. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  rateLimitMax = 6000;

  /** RATE_LIMIT_ADDRESS_MAX: requests one client address may make to one webhook per window, all accounts together; 0 disables. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  rateLimitAddressMax = 0;

  /** AUTH_FAILURE_LIMIT: rejected credentials of one identity from one address, per window, before a 429; 0 disables. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  authFailureLimit = 10;

  /** AUTH_FAILURE_WINDOW_SECONDS: the back-off lasts until this long has passed without a failure. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86_400)
  authFailureWindowSeconds = 60;

  /** RATE_LIMIT_WINDOW_SECONDS */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  rateLimitWindowSeconds = 60;

  /** TLS_CERT_FILE: PEM certificate (chain) to serve HTTPS directly; set with TLS_KEY_FILE. */
  @IsOptional()
  @IsString()
  tlsCertFile?: string;

  /** TLS_KEY_FILE: PEM private key of TLS_CERT_FILE. */
  @IsOptional()
  @IsString()
  tlsKeyFile?: string;

  /** LOG_LEVEL */
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  logLevel = 'info';

  /**
   * LOG_SYNC: write each log line to stdout as it is made (a blocking write) instead of
   * buffering lines while an earlier write is in flight.
   */
  @Transform(toBoolean)
  @IsBoolean()
  logSync = true;

  /** METRICS_ENABLED: serve Prometheus metrics at GET /metrics and record them. */
  @Transform(toBoolean)
  @IsBoolean()
  metricsEnabled = true;

  /** BRIDGE_COMMIT: the source commit this build was made from, shown by bridge_build_info. */
  @IsOptional()
  @Matches(/^[\w.+-]{1,64}$/, { message: 'must be a commit id or tag (letters, digits, . _ + -)' })
  bridgeCommit?: string;

  /** INTEGRATION_NAME: the integration's unique system name at Talkdesk. */
  @IsString()
  @MinLength(1)
  integrationName = 'bridge';

  /** INTEGRATION_DISPLAY_NAME */
  @IsString()
  @MinLength(1)
  integrationDisplayName = 'Talkdesk Bridge';

  /** INTEGRATION_DESCRIPTION */
  @IsString()
  @MinLength(1)
  integrationDescription =
    'Contacts, agents, tickets and notes from our system of record, beside every call.';
}

/** Environment variable of each setting, in the order docs/configuration.md lists them. */
export const ENVIRONMENT: Record<keyof AppConfig, string> = {
  port: 'PORT',
  host: 'HOST',
  publicBaseUrl: 'PUBLIC_BASE_URL',
  connector: 'CONNECTOR',
  connectorManifest: 'CONNECTOR_MANIFEST',
  connectorBaseUrl: 'CONNECTOR_BASE_URL',
  databaseUrl: 'DATABASE_URL',
  databaseUrlFile: 'DATABASE_URL_FILE',
  dataDir: 'DATA_DIR',
  databasePoolMax: 'DATABASE_POOL_MAX',
  databasePoolIdleMs: 'DATABASE_POOL_IDLE_MS',
  databaseConnectTimeoutMs: 'DATABASE_CONNECT_TIMEOUT_MS',
  databaseQueryTimeoutMs: 'DATABASE_QUERY_TIMEOUT_MS',
  databaseLockTimeoutMs: 'DATABASE_LOCK_TIMEOUT_MS',
  seedDemo: 'SEED_DEMO',
  recordUrlBase: 'RECORD_URL_BASE',
  contactsPageSize: 'CONTACTS_PAGE_SIZE',
  agentsPageSize: 'AGENTS_PAGE_SIZE',
  interactionsLimit: 'INTERACTIONS_LIMIT',
  incrementalLookbackSeconds: 'INCREMENTAL_LOOKBACK_SECONDS',
  requestBudgetMs: 'REQUEST_BUDGET_MS',
  upstreamRetries: 'UPSTREAM_RETRIES',
  upstreamRetryBaseMs: 'UPSTREAM_RETRY_BASE_MS',
  upstreamRetryMaxMs: 'UPSTREAM_RETRY_MAX_MS',
  circuitBreakerThreshold: 'CIRCUIT_BREAKER_THRESHOLD',
  circuitBreakerCooldownMs: 'CIRCUIT_BREAKER_COOLDOWN_MS',
  sqliteBusyTimeoutMs: 'SQLITE_BUSY_TIMEOUT_MS',
  shutdownGraceMs: 'SHUTDOWN_GRACE_MS',
  jsonMaxDepth: 'JSON_MAX_DEPTH',
  defaultPhoneRegion: 'DEFAULT_PHONE_REGION',
  bodyLimitBytes: 'BODY_LIMIT_BYTES',
  httpHeadersTimeoutMs: 'HTTP_HEADERS_TIMEOUT_MS',
  httpRequestTimeoutMs: 'HTTP_REQUEST_TIMEOUT_MS',
  httpKeepAliveTimeoutMs: 'HTTP_KEEP_ALIVE_TIMEOUT_MS',
  httpMaxRequestsPerSocket: 'HTTP_MAX_REQUESTS_PER_SOCKET',
  httpMaxConnections: 'HTTP_MAX_CONNECTIONS',
  credentialsCacheSeconds: 'CREDENTIALS_CACHE_SECONDS',
  redisUrl: 'REDIS_URL',
  redisKeyPrefix: 'REDIS_KEY_PREFIX',
  restKeptPagesTtlSeconds: 'REST_KEPT_PAGES_TTL_SECONDS',
  idempotencyWindowSeconds: 'IDEMPOTENCY_WINDOW_SECONDS',
  idempotencyKeyTtlSeconds: 'IDEMPOTENCY_KEY_TTL_SECONDS',
  interactionsCacheSeconds: 'INTERACTIONS_CACHE_SECONDS',
  bridgeToken: 'BRIDGE_TOKEN',
  tokenSecret: 'TOKEN_SECRET',
  tokenSecretPrevious: 'TOKEN_SECRET_PREVIOUS',
  ipAllowlist: 'IP_ALLOWLIST',
  trustProxy: 'TRUST_PROXY',
  rateLimitMax: 'RATE_LIMIT_MAX',
  rateLimitWindowSeconds: 'RATE_LIMIT_WINDOW_SECONDS',
  rateLimitAddressMax: 'RATE_LIMIT_ADDRESS_MAX',
  authFailureLimit: 'AUTH_FAILURE_LIMIT',
  authFailureWindowSeconds: 'AUTH_FAILURE_WINDOW_SECONDS',
  tlsCertFile: 'TLS_CERT_FILE',
  tlsKeyFile: 'TLS_KEY_FILE',
  logLevel: 'LOG_LEVEL',
  logSync: 'LOG_SYNC',
  metricsEnabled: 'METRICS_ENABLED',
  bridgeCommit: 'BRIDGE_COMMIT',
  integrationName: 'INTEGRATION_NAME',
  integrationDisplayName: 'INTEGRATION_DISPLAY_NAME',
  integrationDescription: 'INTEGRATION_DESCRIPTION',
};

/** Settings whose values are secrets: never repeated in error messages. */
const SECRET_SETTINGS = new Set<string>([
  'bridgeToken',
  'redisUrl',
  'tokenSecret',
  'tokenSecretPrevious',
]);

function describe(errors: ValidationError[]): string {
  return errors
    .map((e) => {
      const variable = ENVIRONMENT[e.property as keyof AppConfig] ?? e.property;
      const why = Object.values(e.constraints ?? {}).join('; ');
      const shown = SECRET_SETTINGS.has(e.property) ? '(hidden)' : JSON.stringify(e.value);
      return `${variable}=${shown}: ${why}`;
    })
    .join('\n');
}

/** Rules that span settings or touch the file system. */
function crossCheck(config: AppConfig): string[] {
  const problems: string[] = [];
  if (config.httpRequestTimeoutMs < config.httpHeadersTimeoutMs) {
    problems.push(
      'HTTP_REQUEST_TIMEOUT_MS must be at least HTTP_HEADERS_TIMEOUT_MS: the headers are part of the request',
    );
  }
  if (Boolean(config.tlsCertFile) !== Boolean(config.tlsKeyFile)) {
    problems.push('TLS_CERT_FILE and TLS_KEY_FILE must be set together');
  }
  for (const key of ['tlsCertFile', 'tlsKeyFile'] as const) {
    const file = config[key];
    if (!file) continue;
    try {
      accessSync(file, constants.R_OK);
    } catch {
      problems.push(`${ENVIRONMENT[key]}=${JSON.stringify(file)}: cannot be read`);
    }
  }
  return problems;
}

/** Reads the settings from an environment (process.env by default); throws ConfigError naming every bad variable. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<AppConfig> = {},
): AppConfig {
  const plain: Record<string, unknown> = {};
  for (const [key, variable] of Object.entries(ENVIRONMENT)) {
    const value = env[variable];
    if (value !== undefined && value !== '') plain[key] = value;
  }
  const config = plainToInstance(AppConfig, { ...plain, ...overrides });
  if (plain.publicBaseUrl === undefined && overrides.publicBaseUrl === undefined) {
    config.publicBaseUrl = `http://localhost:${String(config.port)}`;
  }
  const errors = validateSync(config, { forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new ConfigError(`Invalid configuration:\n${describe(errors)}`);
  }
  const problems = crossCheck(config);
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  config.publicBaseUrl = config.publicBaseUrl.replace(/\/+$/, '');
  config.recordUrlBase = config.recordUrlBase.replace(/\/+$/, '');
  return config;
}
