import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type {
  BreakerState,
  UpstreamObserver,
  UpstreamOutcome,
} from '../connectors/ports/upstream-observer';
import type { BuildInfo } from './build-info';

/** Why a record of the external system was not sent to Talkdesk (the `reason` label). */
export type DropReason = 'no_id' | 'no_email' | 'invalid_email' | 'filtered';

/**
 * Seconds: from 5 ms (a cached answer) to Talkdesk's 10 s limit; 8 s is where the alert on slow
 * sync pages fires (deploy/kubernetes/components/monitoring), so the p99 is exact there.
 */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 8, 10];
const UPSTREAM_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The two label children of one (method, route, status) combination, looked up once. */
interface HttpSeries {
  requests: Counter.Internal;
  duration: Histogram.Internal<string>;
}

/**
 * The bridge's Prometheus metrics (prom-client), in a registry of its own. Other parts of the
 * bridge report through the methods below; each method is a label lookup and an increment, so
 * they are cheap enough for the hot path. Nothing is labelled by account, credentials or raw
 * URL: label values come from small fixed sets (route patterns, operation names, outcomes).
 *
 * When METRICS_ENABLED is false every method returns at once and nothing is registered.
 */
@Injectable()
export class MetricsService implements OnModuleDestroy {
  readonly registry = new Registry();
  private readonly httpSeries = new Map<string, HttpSeries>();
  private readonly metrics?: ReturnType<typeof createMetrics>;
  private circuitState?: () => BreakerState;

  constructor(readonly enabled = true) {
    if (!enabled) return;
    collectDefaultMetrics({ register: this.registry });
    this.metrics = createMetrics(this.registry, () => this.circuitState?.());
  }

  /** A disabled instance: for code built outside the Nest container (unit tests, scripts). */
  static disabled(): MetricsService {
    return new MetricsService(false);
  }

  /** The content type of `scrape()`: Prometheus text exposition format 0.0.4. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Every metric in Prometheus text format. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  /** One HTTP request answered; `route` is the route pattern (e.g. `/actions/:name`), never the URL. */
  observeHttpRequest(method: string, route: string, statusCode: number, seconds: number): void {
    const m = this.metrics;
    if (!m) return;
    const key = `${method} ${statusCode} ${route}`;
    let series = this.httpSeries.get(key);
    if (!series) {
      const labels = { method, route, status_code: String(statusCode) };
      series = {
        requests: m.httpRequests.labels(labels),
        duration: m.httpDuration.labels(labels),
      };
      this.httpSeries.set(key, series);
    }
    series.requests.inc();
    series.duration.observe(seconds);
  }

  /** One attempt at an external-system call (`operation` is `port.method`, e.g. `contacts.listContacts`). */
  observeUpstreamCall(operation: string, outcome: UpstreamOutcome, seconds: number): void {
    const m = this.metrics;
    if (!m) return;
    m.upstreamCalls.labels(operation, outcome).inc();
    if (outcome !== 'short_circuited')
      m.upstreamDuration.labels(operation, outcome).observe(seconds);
  }

  /** A failed external-system call is about to be tried again. */
  upstreamRetry(operation: string): void {
    this.metrics?.upstreamRetries.labels(operation).inc();
  }

  /** The upstream guard's observer: attempts and retries go to the metrics above. */
  upstreamObserver(): UpstreamObserver {
    return {
      attempt: (operation, outcome, seconds) =>
        this.observeUpstreamCall(operation, outcome, seconds),
      retry: (operation) => this.upstreamRetry(operation),
      watchCircuitBreaker: (state) => this.watchCircuitBreaker(state),
    };
  }

  /** Reads the circuit breaker's state at each scrape. */
  watchCircuitBreaker(state: () => BreakerState): void {
    this.circuitState = state;
  }

  /** Contacts sent to Talkdesk in a sync page. */
  /**
   * The age of the newest change a finished contact-sync run read: how far behind now the newest
   * readable change is. Growing while contacts keep changing means changes become readable late
   * (long transactions): size INCREMENTAL_LOOKBACK_SECONDS above it.
   */
  newestContactChange(updatedAt: number): void {
    this.metrics?.newestContactChangeAge.set(Math.max(0, (Date.now() - updatedAt) / 1000));
  }

  contactsSynced(count: number): void {
    if (count > 0) this.metrics?.contactsSynced.inc(count);
  }

  /** Agents sent to Talkdesk in a sync page. */
  agentsSynced(count: number): void {
    if (count > 0) this.metrics?.agentsSynced.inc(count);
  }

  /** Records of the external system left out because Talkdesk could not use them. */
  recordsDropped(kind: 'contact' | 'agent', reason: DropReason, count = 1): void {
    if (count > 0) this.metrics?.recordsDropped.labels(kind, reason).inc(count);
  }

  /** Contact phone numbers: rewritten in E.164, or kept as written because they could not be read. */
  phonesProcessed(normalized: number, unparsed: number): void {
    const m = this.metrics;
    if (!m) return;
    if (normalized > 0) m.phones.labels('normalized').inc(normalized);
    if (unparsed > 0) m.phones.labels('unparsed').inc(unparsed);
  }

  /**
   * One lookup in a cache: `cache` names it (`credentials`, ...; a small fixed set, never a key),
   * `hit` says whether it held a usable entry. Any cache of the bridge reports here.
   */
  cacheLookup(cache: string, hit: boolean): void {
    this.metrics?.cacheRequests.labels(cache, hit ? 'hit' : 'miss').inc();
  }

  /** What is running: `bridge_build_info` is 1 with these labels. Set once at start-up. */
  reportBuild(info: BuildInfo): void {
    const m = this.metrics;
    if (!m) return;
    m.buildInfo.reset();
    m.buildInfo.labels(info).set(1);
  }

  /**
   * Whether a dependency answered the last readiness check: `external_system`, or `store`
   * (Redis, when REDIS_URL is set). 1 up, 0 down.
   */
  dependencyUp(dependency: 'external_system' | 'store', up: boolean): void {
    this.metrics?.dependencyUp.labels(dependency).set(up ? 1 : 0);
  }

  /**
   * Whether TOKEN_SECRET is set (1), or tokens are signed with a secret generated in DATA_DIR (0):
   * then each replica has its own and refuses the others' tokens. Set once at start-up.
   */
  tokenSecretConfigured(configured: boolean): void {
    this.metrics?.tokenSecretConfigured.set(configured ? 1 : 0);
  }

  onModuleDestroy(): void {
    this.registry.clear();
    this.httpSeries.clear();
  }
}

function createMetrics(registry: Registry, circuitState: () => BreakerState | undefined) {
  const registers = [registry];
  return {
    buildInfo: new Gauge({
      name: 'bridge_build_info',
      help: 'Always 1: the version, commit, Node.js version, connector and manifest of the running bridge',
      labelNames: ['version', 'commit', 'node_version', 'connector', 'manifest'] as const,
      registers,
    }),
    httpRequests: new Counter({
      name: 'bridge_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status code',
      labelNames: ['method', 'route', 'status_code'] as const,
      registers,
    }),
    httpDuration: new Histogram({
      name: 'bridge_http_request_duration_seconds',
      help: 'Time from receiving an HTTP request to answering it, by method, route pattern and status code',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: HTTP_BUCKETS,
      registers,
    }),
    upstreamCalls: new Counter({
      name: 'bridge_upstream_calls_total',
      help: 'Attempts at calling the external system, by operation and outcome (success, rejected, error, rate_limited, timeout, short_circuited)',
      labelNames: ['operation', 'outcome'] as const,
      registers,
    }),
    upstreamDuration: new Histogram({
      name: 'bridge_upstream_call_duration_seconds',
      help: 'Duration of one attempt at calling the external system, by operation and outcome',
      labelNames: ['operation', 'outcome'] as const,
      buckets: UPSTREAM_BUCKETS,
      registers,
    }),
    upstreamRetries: new Counter({
      name: 'bridge_upstream_retries_total',
      help: 'Retries of external-system calls that failed in a retryable way, by operation',
      labelNames: ['operation'] as const,
      registers,
    }),
    circuitBreaker: new Gauge({
      name: 'bridge_upstream_circuit_breaker_state',
      help: 'State of the circuit breaker in front of the external system: 1 for the current state',
      labelNames: ['state'] as const,
      registers,
      collect() {
        const current = circuitState() ?? 'closed';
        for (const state of ['closed', 'open', 'half-open'] as const) {
          this.labels(state).set(state === current ? 1 : 0);
        }
      },
    }),
    newestContactChangeAge: new Gauge({
      name: 'bridge_contacts_newest_change_age_seconds',
      help: 'Age of the newest contact change the last finished contact-sync run read (seconds)',
      registers,
    }),
    contactsSynced: new Counter({
      name: 'bridge_contacts_synced_total',
      help: 'Contacts sent to Talkdesk by contact synchronization',
      registers,
    }),
    agentsSynced: new Counter({
      name: 'bridge_agents_synced_total',
      help: 'Agents sent to Talkdesk by agent synchronization',
      registers,
    }),
    recordsDropped: new Counter({
      name: 'bridge_records_dropped_total',
      help: "Records of the external system not sent to Talkdesk, by kind (contact, agent) and reason (no_id, no_email, invalid_email, filtered: left out by the manifest's record filter)",
      labelNames: ['kind', 'reason'] as const,
      registers,
    }),
    phones: new Counter({
      name: 'bridge_contact_phones_total',
      help: 'Contact phone numbers sent to Talkdesk: normalized to E.164, or unparsed (kept as written)',
      labelNames: ['result'] as const,
      registers,
    }),
    cacheRequests: new Counter({
      name: 'bridge_cache_requests_total',
      help: 'Cache lookups, by cache and result (hit, miss)',
      labelNames: ['cache', 'result'] as const,
      registers,
    }),
    tokenSecretConfigured: new Gauge({
      name: 'bridge_token_secret_configured',
      help: 'Whether TOKEN_SECRET is set (1) or tokens are signed with a secret generated in DATA_DIR, of this replica only (0)',
      registers,
    }),
    dependencyUp: new Gauge({
      name: 'bridge_dependency_up',
      help: 'Whether a dependency answered the last readiness check (1) or not (0): external_system, store (Redis)',
      labelNames: ['dependency'] as const,
      registers,
    }),
  };
}
