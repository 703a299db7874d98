import { Logger } from '@nestjs/common';
import { Dispatcher } from 'undici';
import { CredentialsRejectedError, InvalidPositionError, UpstreamError } from '../../ports/errors';
import { PacingCounters } from '../../ports/pacing-counters';
import { SharedPages } from '../../ports/shared-pages';
import { remainingMsOf } from '../../../common/time-budget';
import { createUpstreamAgent } from '../../resilience/http-upstream';
import { CompiledManifest, CompiledRequest, CompiledStream } from '../manifest/compiled';
import { ExpressionError } from '../manifest/expression';
import { AppliedCredentials, AuthStrategy, authStrategyFor } from './auth';
import { verdictOf } from './error-classifier';
import { OutgoingRequest, send, UpstreamAnswer } from './http';
import { Mapped, Scope } from './mapper';
import { Pacer } from './pacer';
import { Page, pageOf } from './page-of-answer';
import { PageState, pagingParams, stateKey } from './paginators';
import { KeptPages } from './kept-pages';
import { BaseOriginError } from './base-origin';
import { mapRecords, PageObserver } from './record-mapping';
import { buildRequest, encodeBody } from './request-builder';
import { baseUrlOf, RestAccount } from './rest-account';
import { SessionStore } from './session-store';

/** Time kept to map and answer a batch after its last page. */
const ANSWER_RESERVE_MS = 200;

/** What the check tool (`npm run connector:check`) is told as the connector works. */
export interface ConnectorObserver extends PageObserver {
  request?(event: {
    label: string;
    method: string;
    url: string;
    headers: Record<string, string>;
    body?: string;
  }): void;
  response?(event: { label: string; status: number; ms: number }): void;
}

export interface RestConnectorOptions {
  /** Connection pool (a keep-alive undici Agent by default). */
  dispatcher?: Dispatcher;
  observer?: ConnectorObserver;
  defaultPhoneRegion?: string;
  /** Where the manifest's pacing windows are counted (shared by the replicas with Redis). */
  pacingCounters?: PacingCounters;
  /** Where pages kept for a run's next batch are shared by the replicas (Redis). */
  sharedPages?: SharedPages;
  /** How long those pages live, in memory and in the shared store (DEFAULT_CARRY_TTL_MS). */
  keptPagesTtlMs?: number;
  logger?: Pick<Logger, 'log' | 'warn' | 'debug' | 'error'>;
}

/** Parameters added to a request besides its template: paging, incremental bounds. */
export interface ExtraParams {
  params: Record<string, unknown>;
  in: 'query' | 'body';
}

export interface ExchangeOptions {
  label: string;
  /** Statuses answered to the caller rather than raised (besides 2xx). */
  accept?: ReadonlySet<number>;
  authenticate?: boolean;
  /** Whether "no such contact" (an `errors.rules` action) is answered rather than raised. */
  acceptNotFound?: boolean;
  paging?: ExtraParams & { url?: string };
  bounds?: ExtraParams;
  /**
   * Budget a pacing wait must leave (pacer.ts): a batch holding records to answer does not
   * wait for a window it could not use.
   */
  pacingReserveMs?: number;
}

/** A page of a list (page-of-answer.ts reads it from the answer). */
export type { Page };

/**
 * What every capability shares: the manifest, the connection pool, the account's credentials
 * (one strategy per authentication type), sending a request and reading its status, reading a
 * page of a list, and mapping records with the observer told.
 */
export class RestClient {
  readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  readonly sessions = new SessionStore();
  /** Pages read but not handed out whole, for the batch that continues the run. */
  readonly carry: KeptPages<Page>;
  readonly logger: NonNullable<RestConnectorOptions['logger']>;
  private readonly auth: AuthStrategy;
  private readonly pacer?: Pacer;
  /** The pacers of requests with a `pacing` of their own, by the request's place or key. */
  private readonly requestPacers = new Map<string, Pacer>();

  constructor(
    readonly manifest: CompiledManifest,
    readonly options: RestConnectorOptions = {},
  ) {
    this.ownsDispatcher = !options.dispatcher;
    this.dispatcher = options.dispatcher ?? createUpstreamAgent();
    this.logger = options.logger ?? new Logger('RestConnector');
    this.carry = new KeptPages(
      options.sharedPages,
      (error) =>
        this.logger.debug(
          `Kept pages not shared: ${error instanceof Error ? error.message : String(error)}`,
        ),
      undefined,
      options.keptPagesTtlMs,
    );
    if (manifest.pacing) this.pacer = new Pacer(manifest.pacing, options.pacingCounters);
    this.auth = authStrategyFor(manifest.authentication, {
      sessions: this.sessions,
      sendUnauthenticated: (account, request, signal, label, accept) =>
        this.exchange(account, request, { auth: account.auth }, signal, {
          label,
          authenticate: false,
          accept,
        }),
    });
  }

  get kind(): string {
    return `rest:${this.manifest.name}`;
  }

  async close(): Promise<void> {
    this.sessions.clear();
    this.carry.clear();
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  /**
   * Sends one request of the manifest with the account's credentials and reads the answer's
   * status: statuses in `accept` and 2xx are returned; 401/403 are rejected credentials (after
   * one renewal of credentials that can be renewed, such as a session); retryable statuses are
   * RetryableUpstreamError with the upstream's Retry-After; anything else is an UpstreamError
   * naming the status.
   */
  async exchange(
    account: RestAccount,
    request: CompiledRequest,
    scope: Scope,
    signal: AbortSignal,
    options: ExchangeOptions,
  ): Promise<UpstreamAnswer & { url: URL; notFound: boolean }> {
    // Only a `path` needs the account's base URL (an absolute `url` names its host itself).
    const baseUrl = () => this.baseUrl(account);
    const extra = { query: {} as Record<string, unknown>, body: {} as Record<string, unknown> };
    for (const part of [options.paging, options.bounds]) {
      if (part) Object.assign(part.in === 'body' ? extra.body : extra.query, part.params);
    }
    let built;
    try {
      built = await buildRequest(
        request,
        baseUrl,
        this.manifest.headers,
        scope,
        extra,
        options.paging?.url,
      );
    } catch (error) {
      if (error instanceof ExpressionError)
        throw new UpstreamError(account.secrets.mask(error.message));
      throw error;
    }
    for (let attempt = 0; ; attempt++) {
      const creds: AppliedCredentials =
        options.authenticate === false
          ? { headers: {}, query: {} }
          : await this.auth.apply(account, signal);
      const url = new URL(built.url);
      for (const [name, value] of Object.entries(creds.query)) url.searchParams.set(name, value);
      const headers = { ...built.headers, ...creds.headers };
      let body: string | undefined;
      if (built.body !== undefined && request.method !== 'GET') {
        const encoded = encodeBody(built.body, request.bodyFormat);
        body = encoded.text;
        headers['content-type'] = encoded.contentType;
      }
      const outgoing: OutgoingRequest = {
        method: request.method,
        url,
        headers,
        body,
        idempotent: request.idempotent,
        label: options.label,
      };
      this.options.observer?.request?.({
        label: options.label,
        method: request.method,
        url: account.secrets.mask(url.toString()),
        headers: account.secrets.maskHeaders(headers),
        ...(body !== undefined && { body: account.secrets.mask(body) }),
      });
      if (request.pacing) {
        // Requests naming one key share its windows; without a key, each its own.
        const place = request.pacing.key ? `key:${request.pacing.key}` : request.where;
        await this.requestPacer(place, request.pacing).acquire(
          `${account.credentialsKey}:${place}`,
          signal,
          options.pacingReserveMs,
        );
      }
      await this.pacer?.acquire(account.credentialsKey, signal, options.pacingReserveMs);
      let answer: UpstreamAnswer;
      try {
        answer = await send(this.dispatcher, outgoing, signal, this.manifest.maxResponseBytes);
      } catch (error) {
        if (error instanceof Error) error.message = account.secrets.mask(error.message);
        throw error;
      }
      this.options.observer?.response?.({
        label: options.label,
        status: answer.status,
        ms: answer.ms,
      });
      this.logger.debug(
        `${options.label}: ${request.method} ${account.secrets.mask(url.pathname)} answered ${answer.status} in ${Math.round(answer.ms)} ms`,
      );
      const verdict = verdictOf(this.manifest, answer, {
        label: options.label,
        idempotent: request.idempotent,
        accept: options.accept,
        acceptNotFound: options.acceptNotFound,
        canRenew: !!creds.renew && attempt === 0,
        secrets: account.secrets,
      });
      if (verdict.kind === 'renew') {
        // The session may have expired early: log in again, once.
        creds.renew!();
        continue;
      }
      if (verdict.kind === 'error') throw verdict.error;
      return { ...answer, url, notFound: verdict.notFound === true };
    }
  }

  private requestPacer(where: string, spec: NonNullable<CompiledRequest['pacing']>): Pacer {
    let pacer = this.requestPacers.get(where);
    if (!pacer) {
      pacer = new Pacer(spec, this.options.pacingCounters);
      this.requestPacers.set(where, pacer);
    }
    return pacer;
  }

  /**
   * The account's base URL; one whose origin comes from an account field that is missing or
   * points at a host the manifest does not allow refuses the credentials, before any request.
   */
  baseUrl(account: RestAccount): URL {
    try {
      return baseUrlOf(this.manifest, account.auth);
    } catch (error) {
      if (error instanceof BaseOriginError) {
        throw new CredentialsRejectedError(account.secrets.mask(error.message));
      }
      throw error;
    }
  }

  /** One page of a list: its records, and the state of the next page (null at the end). */
  async readPage(
    account: RestAccount,
    stream: CompiledStream,
    scope: Scope,
    state: PageState,
    signal: AbortSignal,
    label: string,
    options: {
      bounds?: ExtraParams;
      accept?: ReadonlySet<number>;
      acceptNotFound?: boolean;
      /** The id of the pages an earlier batch of the run kept (PageCarry), from next_offset. */
      carried?: unknown;
      pacingReserveMs?: number;
    } = {},
  ): Promise<Page> {
    const origin = this.baseUrl(account).origin;
    const carried = await this.carry.take(account, options.carried, stateKey(state));
    if (carried) return { ...carried, carried: true, ms: 0 };
    // A next-page URL comes back from Talkdesk inside next_offset: it is called with the
    // account's credentials only on the account's own host, whatever the token says.
    if (state.k === 'url' && new URL(state.url).origin !== origin) {
      throw new InvalidPositionError(
        'meta.offset points at a page on another host than the account’s: restart the synchronization without an offset',
      );
    }
    const answer = await this.exchange(account, stream.request, scope, signal, {
      label,
      paging: {
        params: pagingParams(stream.paginator, state),
        in: stream.paginator.paramIn,
        ...(state.k === 'url' && { url: state.url }),
      },
      bounds: options.bounds,
      accept: options.accept,
      acceptNotFound: options.acceptNotFound,
      pacingReserveMs: options.pacingReserveMs,
    });
    return pageOf(stream, state, answer, origin, label, options.accept, this.logger);
  }

  /**
   * Keeps the pages a batch read but did not hand out whole, for the batch that continues the
   * run; the id to carry in next_offset, or undefined (nothing kept). `replaces` is the id the
   * batch started from.
   */
  keepPages(
    account: RestAccount,
    pages: { state: PageState; page: Page }[],
    replaces?: unknown,
  ): Promise<string | undefined> {
    const bytes = pages.reduce((n, p) => n + p.page.bytes, 0);
    return this.carry.keep(
      account,
      pages.map((p) => [stateKey(p.state), { ...p.page, carried: undefined }]),
      bytes,
      typeof replaces === 'string' ? replaces : undefined,
    );
  }

  /**
   * Whether another page (as slow as the slowest read so far in this call, `pageMs`) fits in
   * what is left of the request's budget, with time to answer: when not, a batch is answered
   * with what was read and a `next_offset`, rather than a 504 at the deadline.
   */
  timeForAnotherPage(signal: AbortSignal, pageMs: number): boolean {
    const remaining = remainingMsOf(signal);
    return remaining === undefined || remaining > this.pageReserveMs(pageMs);
  }

  /** The budget another page (as slow as `pageMs`) and the answer after it need. */
  pageReserveMs(pageMs: number): number {
    return pageMs * 1.5 + ANSWER_RESERVE_MS;
  }

  /**
   * Maps records from index `from` on; a record that cannot be mapped is dropped (logged, and
   * told to the observer) rather than failing the batch (record-mapping.ts).
   */
  mapAll<T>(
    label: string,
    records: unknown[],
    from: number,
    map: (record: unknown) => Mapped<T> | Promise<Mapped<T>>,
    observe = true,
  ): Promise<{ index: number; value?: T }[]> {
    return mapRecords(label, records, from, map, observe, this.options.observer, this.logger);
  }
}
