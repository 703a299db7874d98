import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { Logger } from '@nestjs/common';
import { Dispatcher } from 'undici';
import { DEFAULT_PHONE_REGION, phoneLookupForms } from '../../../talkdesk/contract/phone';
import {
  ActionRejectedError,
  CredentialsRejectedError,
  InvalidPositionError,
  RetryableUpstreamError,
  UpstreamError,
  UpstreamOrderError,
} from '../../ports/errors';
import {
  AccountRef,
  ActionDefinition,
  ActionOutcome,
  ActionRequest,
  AuthenticatedAccount,
  AuthenticationField,
  AuthFields,
  ConnectorCapabilities,
  ContactBatch,
  ContactLookup,
  ContactQuery,
  ContactRecord,
  InteractionQuery,
  InteractionRecord,
  ResumeState,
  UserBatch,
  UserRecord,
} from '../../ports';
import { createUpstreamAgent, httpStatusCode } from '../../resilience/http-upstream';
import { parseRetryAfter } from '../../resilience/retry-after';
import {
  CompiledInteractionStream,
  CompiledLookup,
  CompiledManifest,
  CompiledRequest,
  CompiledStream,
} from '../manifest/compiled';
import { formatDate, granularityMs } from '../manifest/dates';
import { ExpressionError } from '../manifest/expression';
import { textOf } from '../manifest/template';
import { headerText, OutgoingRequest, send, UpstreamAnswer } from './http';
import {
  evaluate,
  Mapped,
  Scope,
  text,
  toContact,
  toContactKey,
  toInteraction,
  toUser,
} from './mapper';
import {
  initialState,
  isPageState,
  nextState,
  PageState,
  pagingParams,
  stateKey,
} from './paginator';
import { buildRequest, encodeBody, renderBaseUrl, RequestBuildError } from './request-builder';
import { Secrets } from './secrets';
import { SessionStore } from './session-store';

/** An account of the external system: its key, and the credentials every request is made with. */
export class RestAccount implements AccountRef {
  constructor(
    readonly key: string,
    readonly auth: Readonly<AuthFields>,
    /** Hash of the credentials: the session cache's key. */
    readonly credentialsKey: string,
    readonly secrets: Secrets,
  ) {}

  /** Never serialized or inspected with its credentials. */
  toJSON(): { key: string } {
    return { key: this.key };
  }

  [inspect.custom](): string {
    return `RestAccount(${this.key})`;
  }
}

function restAccount(account: AccountRef): RestAccount {
  if (!(account instanceof RestAccount)) {
    throw new Error('The REST connector was handed an account it did not resolve');
  }
  return account;
}

/** What the check tool (`npm run connector:check`) is told as the connector works. */
export interface ConnectorObserver {
  request?(event: {
    label: string;
    method: string;
    url: string;
    headers: Record<string, string>;
    body?: string;
  }): void;
  response?(event: { label: string; status: number; ms: number }): void;
  page?(event: {
    label: string;
    records: unknown[];
    mapped: unknown[];
    dropped: { index: number; reason: string }[];
  }): void;
}

export interface RestConnectorOptions {
  /** Connection pool (a keep-alive undici Agent by default). */
  dispatcher?: Dispatcher;
  observer?: ConnectorObserver;
  defaultPhoneRegion?: string;
  logger?: Pick<Logger, 'log' | 'warn' | 'debug' | 'error'>;
}

/** Contacts' paging state carried in next_offset (incremental syncs). */
interface KeysetResume {
  /** The last record handed out: the resume is only valid after it. */
  a: [number, string];
  /** The page holding the next record. */
  s: PageState;
  /** The lower bound the paging started from (the filter every page repeats). */
  q: number | null;
}

/** Contacts' paging state carried in next_offset (full syncs). */
interface FullResume {
  s: PageState;
  /** Records of that page already handed out. */
  k: number;
  /** Ids handed out last: an upstream listing a record again soon after is not repeated. */
  d?: string[];
}

/** How many recent ids a full sync's paging state remembers, and their total length. */
const RECENT_IDS = 100;
const RECENT_IDS_CHARS = 1200;

function recentIds(ids: string[]): string[] {
  const out: string[] = [];
  let chars = 0;
  for (let i = ids.length - 1; i >= 0 && out.length < RECENT_IDS; i--) {
    chars += ids[i].length + 3;
    if (chars > RECENT_IDS_CHARS) break;
    out.unshift(ids[i]);
  }
  return out;
}

const MAX_WALK_CACHE_ACCOUNTS = 1000;
const MAX_WALK_CACHE_POSITIONS = 1000;
const MAX_RESUME_CHARS = 2500;
const MAX_LOOKUP_VALUES = 5;

const positionCompare = (a: ContactRecord, b: { updatedAt: number; id: string }) =>
  a.updatedAt !== b.updatedAt ? a.updatedAt - b.updatedAt : compareIds(a.id, b.id);

/** Numbers compare as numbers, other ids as text: the order the port contract expects. */
function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An instant as people read it (the number itself when no date can say it). */
const instantText = (ms: number) =>
  Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms);
const positionText = (p: { updatedAt: number; id: string }) =>
  `(${instantText(p.updatedAt)}, id ${JSON.stringify(p.id)})`;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const canonical = (value: Record<string, unknown>) =>
  JSON.stringify(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)));

/**
 * Everything the REST connector does, driven by a compiled manifest: building requests,
 * authenticating them, paging, mapping records to the ports' shapes and reading errors. The
 * Nest adapters delegate to it; so does the check tool.
 */
export class RestConnector {
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly sessions = new SessionStore();
  private readonly logger: NonNullable<RestConnectorOptions['logger']>;
  /** Agent positions (index of an upstream record) → the page holding it, per account. */
  private readonly walkCache = new Map<string, Map<number, { state: PageState; first: number }>>();
  readonly definitions: ActionDefinition[];

  constructor(
    readonly manifest: CompiledManifest,
    private readonly options: RestConnectorOptions = {},
  ) {
    this.ownsDispatcher = !options.dispatcher;
    this.dispatcher = options.dispatcher ?? createUpstreamAgent();
    this.logger = options.logger ?? new Logger('RestConnector');
    this.definitions = manifest.actions.map((a) => ({
      name: a.name,
      display: a.display,
      description: a.description,
      inputs: a.inputs,
    }));
  }

  get kind(): string {
    return `rest:${this.manifest.name}`;
  }

  get manifestName(): string {
    return this.manifest.name;
  }

  get authenticationType(): 'none' | 'custom' | 'oauth2' {
    return this.manifest.authenticationType;
  }

  get authenticationFields(): AuthenticationField[] {
    return this.manifest.authenticationFields.map(({ secret: _secret, ...field }) => ({
      ...field,
    }));
  }

  get capabilities(): ConnectorCapabilities {
    const m = this.manifest;
    return {
      authValidation: !!m.credentialCheck,
      contacts: !!m.contacts,
      agents: !!m.agents,
      interactionTypes: m.interactions ? [...m.interactions.types] : [],
      contactSync: m.contacts?.incremental ? 'incremental' : 'full',
      ...(m.contacts?.incremental?.lookbackMs && {
        minimumLookbackMs: m.contacts.incremental.lookbackMs,
      }),
      ...(m.contacts?.incremental && { updatedAtPrecisionMs: m.contacts.incremental.precisionMs }),
    };
  }

  async close(): Promise<void> {
    this.sessions.clear();
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  // ---------------------------------------------------------------- credentials

  /** The fields Talkdesk must send non-empty; anything else makes the credentials incomplete. */
  private missingCredentials(auth: AuthFields): boolean {
    if (this.manifest.authenticationType === 'oauth2') {
      const token = auth.access_token;
      if (typeof token !== 'string' || token.trim() === '') return true;
    }
    for (const field of this.manifest.authenticationFields) {
      const value = auth[field.field_name];
      if (value === undefined || value === null) {
        if (field.mandatory && field.source === 'input') return true;
        continue;
      }
      if (typeof value !== 'string') return true;
      if (field.mandatory && field.source === 'input' && value.trim() === '') return true;
    }
    return false;
  }

  /**
   * Who credentials claim to be: the manifest's authentication fields that are not secret (a
   * subdomain, an email), trimmed and lower-cased; undefined when every field is secret.
   */
  identityOf(auth: AuthFields): string | undefined {
    const named = this.manifest.authenticationFields
      .filter((f) => !f.secret)
      .map((f) => [f.field_name, auth[f.field_name]] as const)
      .filter((entry): entry is readonly [string, string] => typeof entry[1] === 'string');
    if (named.length === 0) return undefined;
    return canonical(Object.fromEntries(named.map(([k, v]) => [k, v.trim().toLowerCase()])));
  }

  private account(auth: AuthFields, identity?: string): RestAccount {
    const base = this.baseUrlOf(auth).toString();
    const declared = this.manifest.authenticationFields.map((f) => f.field_name);
    const relevant = declared.length
      ? Object.fromEntries(Object.entries(auth).filter(([k]) => declared.includes(k)))
      : auth;
    const credentialsKey = sha256(`${this.manifest.name}\n${base}\n${canonical(auth)}`);
    const who = identity ?? canonical(relevant);
    const key = `rest:${this.manifest.name}:${sha256(`${base}\n${who}`).slice(0, 32)}`;
    // Every auth value is secret, but for fields the manifest says are not (a subdomain...).
    const open = new Set(
      this.manifest.authenticationFields.filter((f) => !f.secret).map((f) => f.field_name),
    );
    const secrets = new Secrets(
      Object.entries(auth)
        .filter(([k]) => !open.has(k))
        .map(([, v]) => v),
    );
    return new RestAccount(key, { ...auth }, credentialsKey, secrets);
  }

  private baseUrlOf(auth: AuthFields): URL {
    return renderBaseUrl(this.manifest.baseUrl, { auth });
  }

  async authenticate(auth: AuthFields, signal: AbortSignal): Promise<AuthenticatedAccount | null> {
    if (this.missingCredentials(auth)) return null;
    let account: RestAccount;
    try {
      account = this.account(auth);
    } catch (error) {
      if (error instanceof RequestBuildError) return null;
      throw error;
    }
    const check = this.manifest.credentialCheck;
    if (!check) return { account };
    let answer: UpstreamAnswer;
    try {
      answer = await this.exchange(account, check.request, { auth }, signal, {
        label: 'credential check',
        accept: check.rejectStatuses,
      });
    } catch (error) {
      if (error instanceof CredentialsRejectedError || error instanceof RequestBuildError) {
        return null;
      }
      throw error;
    }
    if (check.rejectStatuses.has(answer.status)) return null;
    const scope: Scope = { auth };
    let resolved = account;
    if (check.accountKey) {
      const identity = check.accountKey.render({ auth, response: answer.body });
      if (identity.missing) {
        throw new UpstreamError(
          'The credential check answer lacks what credential_check.account_key reads',
        );
      }
      resolved = this.account(auth, identity.text);
    }
    const fieldsToStore: Record<string, string | number | boolean> = {};
    for (const [key, spec] of check.fieldsToStore) {
      const value = await evaluate(spec, answer.body, scope);
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        fieldsToStore[key] = value;
      } else if (value !== undefined) {
        fieldsToStore[key] = textOf(value);
      }
    }
    return Object.keys(fieldsToStore).length > 0
      ? { account: resolved, fieldsToStore }
      : { account: resolved };
  }

  async ping(signal: AbortSignal): Promise<void> {
    const health = this.manifest.health;
    if (!health) return this.reach(signal);
    let base: URL;
    try {
      base = renderBaseUrl(this.manifest.baseUrl, { auth: {} });
    } catch {
      base = new URL('http://base-url-needs-auth.invalid');
    }
    const built = await buildRequest(
      health,
      base,
      this.manifest.headers,
      {},
      {
        query: {},
        body: {},
      },
    ).catch((error: unknown) => {
      throw new UpstreamError(`The health request cannot be built: ${(error as Error).message}`);
    });
    const answer = await send(
      this.dispatcher,
      {
        method: health.method,
        url: built.url,
        headers: built.headers,
        idempotent: true,
        label: 'health',
      },
      signal,
      this.manifest.maxResponseBytes,
    );
    if (answer.status >= 500) {
      throw new UpstreamError(
        `The external system's health request answered HTTP ${answer.status}`,
      );
    }
  }

  /**
   * Without a health request: the base URL's host answers HTTP at all (any status; only a
   * refused, broken or timed-out connection is down). A base URL that needs the account's
   * fields names no host before a request: nothing to check then.
   */
  private async reach(signal: AbortSignal): Promise<void> {
    let base: URL;
    try {
      base = renderBaseUrl(this.manifest.baseUrl, { auth: {} });
    } catch {
      return;
    }
    if (base.hostname.includes('{') || base.hostname === '') return;
    await send(
      this.dispatcher,
      {
        // HEAD, which no manifest request uses: the answer has no body to read.
        method: 'HEAD' as OutgoingRequest['method'],
        url: new URL('/', base),
        headers: {},
        idempotent: true,
        label: 'reachability',
      },
      signal,
      this.manifest.maxResponseBytes,
    );
  }

  // ---------------------------------------------------------------- requests

  /** The credentials applied to a request: headers and query parameters. */
  private async credentials(
    account: RestAccount,
    signal: AbortSignal,
  ): Promise<{ headers: Record<string, string>; query: Record<string, string>; token?: string }> {
    const a = this.manifest.authentication;
    const scope = { auth: account.auth };
    const need = (label: string, rendered: { text: string; missing: boolean }) => {
      if (rendered.missing) {
        throw new CredentialsRejectedError(`The credentials in auth lack what the ${label} needs`);
      }
      account.secrets.add(rendered.text);
      return rendered.text;
    };
    switch (a.type) {
      case 'none':
        return { headers: {}, query: {} };
      case 'basic': {
        const user = need('basic authentication', a.username.render(scope));
        const password = need('basic authentication', a.password.render(scope));
        const value = Buffer.from(`${user}:${password}`, 'utf8').toString('base64');
        account.secrets.add(value);
        return { headers: { authorization: `Basic ${value}` }, query: {} };
      }
      case 'bearer': {
        const token = need('bearer token', a.token.render(scope));
        return {
          headers: { [a.header.toLowerCase()]: a.prefix ? `${a.prefix} ${token}` : token },
          query: {},
        };
      }
      case 'api_key': {
        const key = need('API key', a.value.render(scope));
        return a.in === 'header'
          ? { headers: { [a.name.toLowerCase()]: key }, query: {} }
          : { headers: {}, query: { [a.name]: key } };
      }
      case 'session': {
        const session = await this.sessions.obtain(account.credentialsKey, () =>
          this.login(account, signal),
        );
        account.secrets.add(session.token);
        const value = need(
          'session',
          a.inject.value.render({ ...scope, session: { token: session.token } }),
        );
        return a.inject.in === 'header'
          ? { headers: { [a.inject.name.toLowerCase()]: value }, query: {}, token: session.token }
          : { headers: {}, query: { [a.inject.name]: value }, token: session.token };
      }
    }
  }

  private async login(account: RestAccount, signal: AbortSignal) {
    const a = this.manifest.authentication;
    if (a.type !== 'session') throw new Error('not a session');
    const answer = await this.exchange(account, a.login, { auth: account.auth }, signal, {
      label: 'login',
      authenticate: false,
      accept: a.rejectStatuses,
    });
    if (a.rejectStatuses.has(answer.status)) {
      throw new CredentialsRejectedError(
        `The external system refused the login (HTTP ${answer.status})`,
      );
    }
    const raw = a.tokenPath
      ? a.tokenPath.get(answer.body)
      : headerText(answer.headers[a.tokenHeader ?? '']);
    const token = text(raw);
    if (!token)
      throw new UpstreamError('The login answer holds no session token where the manifest says');
    account.secrets.add(token);
    const expiresIn = a.expiresInPath ? Number(a.expiresInPath.get(answer.body)) : NaN;
    const ttl = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : a.ttlMs;
    // Renewed a little early, so that a token does not expire on its way.
    return { token, expiresAt: Date.now() + Math.max(1000, ttl - Math.min(30_000, ttl / 10)) };
  }

  /**
   * Sends one request of the manifest with the account's credentials and reads the answer's
   * status: statuses in `accept` and 2xx are returned; 401/403 are rejected credentials (after
   * one new login for a session); retryable statuses are RetryableUpstreamError with the
   * upstream's Retry-After; anything else is an UpstreamError naming the status.
   */
  private async exchange(
    account: RestAccount,
    request: CompiledRequest,
    scope: Scope,
    signal: AbortSignal,
    options: {
      label: string;
      accept?: ReadonlySet<number>;
      authenticate?: boolean;
      paging?: { params: Record<string, unknown>; in: 'query' | 'body'; url?: string };
      bounds?: { params: Record<string, unknown>; in: 'query' | 'body' };
    },
  ): Promise<UpstreamAnswer & { url: URL }> {
    const baseUrl = this.baseUrlOf(account.auth);
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
      const creds =
        options.authenticate === false
          ? { headers: {}, query: {} }
          : await this.credentials(account, signal);
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
      const status = answer.status;
      if (
        (status === 401 || status === 403) &&
        creds.token &&
        attempt === 0 &&
        this.manifest.authentication.type === 'session'
      ) {
        // The session may have expired early: log in again, once.
        this.sessions.invalidate(account.credentialsKey, creds.token);
        continue;
      }
      if (options.accept?.has(status) || (status >= 200 && status < 300)) return { ...answer, url };
      if (status === 401 || status === 403) {
        throw new CredentialsRejectedError(
          `The external system rejected the credentials (HTTP ${status} to the ${options.label} request)`,
        );
      }
      const message = `The external system answered HTTP ${status} to the ${options.label} request`;
      const code = httpStatusCode(status);
      if (status === 429 || (request.idempotent && this.manifest.retryStatuses.has(status))) {
        throw new RetryableUpstreamError(
          message,
          parseRetryAfter(answer.headers['retry-after']),
          code,
        );
      }
      throw new UpstreamError(message, false, code);
    }
  }

  /** One page of a list: its records, and the state of the next page (null at the end). */
  private async readPage(
    account: RestAccount,
    stream: CompiledStream,
    scope: Scope,
    state: PageState,
    signal: AbortSignal,
    label: string,
    options: {
      bounds?: { params: Record<string, unknown>; in: 'query' | 'body' };
      accept?: ReadonlySet<number>;
    } = {},
  ): Promise<{ records: unknown[]; next: PageState | null; status: number }> {
    const origin = this.baseUrlOf(account.auth).origin;
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
    });
    if (options.accept?.has(answer.status) && (answer.status < 200 || answer.status >= 300)) {
      return { records: [], next: null, status: answer.status };
    }
    const selected = stream.selector.get(answer.body);
    let records: unknown[];
    if (Array.isArray(selected)) records = selected;
    else if (selected === undefined || selected === null) {
      if (selected === undefined && answer.body !== null) {
        this.logger.warn(
          `The ${label} answer has nothing at ${stream.where}.record_selector: read as an empty page`,
        );
      }
      records = [];
    } else records = [selected];
    const next = nextState(
      stream.paginator,
      state,
      answer,
      records.length,
      answer.url,
      origin,
      label,
    );
    return { records, next, status: answer.status };
  }

  private dropped(label: string, dropped: { index: number; reason: string }[]): void {
    if (dropped.length === 0) return;
    const shown = dropped.slice(0, 5).map((d) => `#${d.index}: ${d.reason}`);
    this.logger.warn(
      `Dropped ${dropped.length} ${label} record(s) that cannot be sent to Talkdesk (${shown.join('; ')}${dropped.length > 5 ? '; ...' : ''})`,
    );
  }

  private async mapAll<T>(
    label: string,
    records: unknown[],
    from: number,
    map: (record: unknown) => Promise<Mapped<T>>,
    observe = true,
  ): Promise<{ index: number; value?: T }[]> {
    const out: { index: number; value?: T }[] = [];
    const dropped: { index: number; reason: string }[] = [];
    for (let i = from; i < records.length; i++) {
      let mapped: Mapped<T>;
      try {
        mapped = await map(records[i]);
      } catch (error) {
        if (!(error instanceof ExpressionError)) throw error;
        mapped = { problem: error.message };
      }
      if ('record' in mapped) out.push({ index: i, value: mapped.record });
      else {
        dropped.push({ index: i, reason: mapped.problem });
        out.push({ index: i });
      }
    }
    if (observe) {
      this.options.observer?.page?.({
        label,
        records: records.slice(from),
        mapped: out.filter((o) => o.value !== undefined).map((o) => o.value),
        dropped,
      });
    }
    this.dropped(label, dropped);
    return out;
  }

  private checkResume(resume: ResumeState): void {
    if (JSON.stringify(resume).length > MAX_RESUME_CHARS) {
      throw new UpstreamError(
        'The external system’s paging state (cursor or next-page URL) is too long to hand to Talkdesk',
      );
    }
  }

  // ---------------------------------------------------------------- contacts

  async listContacts(
    account: AccountRef,
    query: ContactQuery,
    signal: AbortSignal,
  ): Promise<ContactBatch> {
    const contacts = this.manifest.contacts;
    if (!contacts) throw new UpstreamError('This connector’s manifest has no contacts section');
    const acc = restAccount(account);
    return contacts.incremental
      ? this.listIncremental(acc, contacts, query, signal)
      : this.listFull(acc, contacts, query, signal);
  }

  private readKeysetResume(query: ContactQuery): KeysetResume | undefined {
    const r = query.resume as Partial<KeysetResume> | undefined;
    if (!r || typeof r !== 'object' || !Array.isArray(r.a) || !isPageState(r.s)) return undefined;
    if (!(r.q === null || typeof r.q === 'number')) return undefined;
    const [u, id] = r.a;
    if (!query.after || query.after.updatedAt !== u || query.after.id !== id) return undefined;
    return r as KeysetResume;
  }

  /**
   * Contacts in (updatedAt, id) order from an upstream that lists records changed since an
   * instant, oldest first. Pages are read until the first `limit` records are final: a group
   * of records sharing the last update time is read to its end before it is sorted by id.
   */
  private async listIncremental(
    account: RestAccount,
    contacts: NonNullable<CompiledManifest['contacts']>,
    query: ContactQuery,
    signal: AbortSignal,
  ): Promise<ContactBatch> {
    const inc = contacts.incremental!;
    const resumed = this.readKeysetResume(query);
    const lower = Math.max(query.changedSince ?? -Infinity, query.after?.updatedAt ?? -Infinity);
    const since = resumed ? resumed.q : Number.isFinite(lower) ? lower : null;
    const step = granularityMs(inc.format);
    const unit = inc.precisionMs;
    const sinceParam =
      since === null ? undefined : formatDate(inc.inclusive ? since : since - step, inc.format);
    const untilParam = formatDate(query.changedUntil, inc.format);
    const scope: Scope = {
      auth: account.auth,
      limit: query.limit,
      ...(sinceParam !== undefined && { since: sinceParam }),
      until: untilParam,
    };
    const bounds = {
      params: {
        ...(inc.param && sinceParam !== undefined && { [inc.param]: sinceParam }),
        ...(inc.untilParam && { [inc.untilParam]: untilParam }),
      },
      in: inc.paramIn,
    };
    let state: PageState = resumed?.s ?? initialState(contacts.paginator);
    const seen = new Set([stateKey(state)]);
    const pageStates: PageState[] = [];
    type Candidate = { record: { id: string; updatedAt: number }; raw: unknown; page: number };
    const candidates = new Map<string, Candidate>();
    const full = (raw: unknown) => toContact(contacts.fields, raw, { auth: account.auth }, true);
    let frontier = -Infinity;
    let previous: { id: string; updatedAt: number } | undefined;
    let ended = false;
    let next: PageState | null;
    for (let pages = 0; ;) {
      const page = await this.readPage(account, contacts, scope, state, signal, 'contacts', {
        bounds,
      });
      pageStates.push(state);
      pages++;
      // Only ids and update times for now: the other fields wait until a record is handed out.
      const keys = await this.mapAll(
        'contacts',
        page.records,
        0,
        (r) => toContactKey(contacts.fields, r, { auth: account.auth }),
        false,
      );
      if (this.options.observer?.page) {
        await this.mapAll('contacts', page.records, 0, full).catch(() => undefined);
      }
      let beyond = false;
      for (const { index, value } of keys) {
        if (!value) continue;
        // Update times at the manifest's precision: the order the bridge pages and bounds in.
        value.updatedAt = Math.floor(value.updatedAt / unit) * unit;
        if (previous && value.updatedAt < previous.updatedAt) {
          // Reading oldest first is what tells which records are final: not an order to page in.
          throw new UpstreamOrderError(
            `The connector ${this.kind} read the contact at ${positionText(value)} after the one at ${positionText(previous)}: an incremental manifest needs an upstream that lists records oldest first`,
          );
        }
        previous = value;
        frontier = value.updatedAt;
        if (value.updatedAt > query.changedUntil) {
          beyond = true;
          continue;
        }
        if (query.changedSince !== undefined && value.updatedAt < query.changedSince) continue;
        if (query.after && positionCompare(value, query.after) <= 0) continue;
        const known = candidates.get(value.id);
        // The same contact listed twice (changed while paging): its latest version counts.
        if (!known || positionCompare(value, known.record) > 0) {
          candidates.set(value.id, {
            record: value,
            raw: page.records[index],
            page: pageStates.length - 1,
          });
        }
      }
      next = page.next;
      if (!next || beyond) {
        ended = true;
        break;
      }
      if (candidates.size > query.limit) {
        const sorted = [...candidates.values()].sort((a, b) => positionCompare(a.record, b.record));
        if (sorted[query.limit - 1].record.updatedAt < frontier) break;
      }
      const key = stateKey(next);
      if (seen.has(key)) {
        throw new UpstreamError(
          'The external system handed back a page it had already given (a repeated cursor or link): paging stopped',
        );
      }
      seen.add(key);
      if (pages >= this.manifest.maxPagesPerCall) break;
      state = next;
    }
    const sorted = [...candidates.values()].sort((a, b) => positionCompare(a.record, b.record));
    const final = ended ? sorted : sorted.filter((c) => c.record.updatedAt < frontier);
    const returned = final.slice(0, query.limit);
    const rest = sorted.slice(returned.length);
    const hasMore = rest.length > 0 || !ended;
    if (hasMore && returned.length === 0) {
      throw new UpstreamError(
        `More than ${this.manifest.maxPagesPerCall} pages of contacts share one update time: raise limits.max_pages_per_call`,
      );
    }
    // The other fields, for the records handed out only.
    const mapped = await this.mapAll(
      'contacts',
      returned.map((c) => c.raw),
      0,
      full,
      false,
    );
    const records = mapped.flatMap((m) =>
      m.value ? [{ ...m.value, updatedAt: Math.floor(m.value.updatedAt / unit) * unit }] : [],
    );
    if (!hasMore) return { records, hasMore: false };
    if (records.length === 0) {
      throw new UpstreamError('Every contact of this batch failed its field mapping: see the log');
    }
    const firstPage = rest.length > 0 ? Math.min(...rest.map((c) => c.page)) : -1;
    const resumeAt = firstPage >= 0 ? pageStates[firstPage] : next;
    const last = records[records.length - 1];
    if (!resumeAt) return { records, hasMore };
    const resume: KeysetResume = { a: [last.updatedAt, last.id], s: resumeAt, q: since };
    this.checkResume(resume as unknown as ResumeState);
    return { records, hasMore, resume: resume as unknown as ResumeState };
  }

  /** Contacts in the upstream's own order, for an upstream that cannot filter by update time. */
  private async listFull(
    account: RestAccount,
    contacts: NonNullable<CompiledManifest['contacts']>,
    query: ContactQuery,
    signal: AbortSignal,
  ): Promise<ContactBatch> {
    const r = query.resume as Partial<FullResume> | undefined;
    const valid =
      !!r &&
      typeof r === 'object' &&
      isPageState(r.s) &&
      Number.isSafeInteger(r.k) &&
      (r.k ?? -1) >= 0;
    if (!valid && query.after) {
      throw new InvalidPositionError(
        'This offset does not carry the external system’s paging state: restart the synchronization without an offset',
      );
    }
    let state: PageState = valid ? r.s! : initialState(contacts.paginator);
    let skip = valid ? r.k! : 0;
    const seen = new Set([stateKey(state)]);
    const records: ContactRecord[] = [];
    const previous =
      valid && Array.isArray(r.d) ? r.d.filter((id): id is string => typeof id === 'string') : [];
    const ids = new Set<string>(previous);
    const resumeAt = (at: Omit<FullResume, 'd'>): ResumeState => {
      const resume: FullResume = {
        ...at,
        d: recentIds([...previous, ...records.map((c) => c.id)]),
      };
      this.checkResume(resume as unknown as ResumeState);
      return resume as unknown as ResumeState;
    };
    const scope: Scope = { auth: account.auth, limit: query.limit };
    for (let pages = 0; ;) {
      const page = await this.readPage(account, contacts, scope, state, signal, 'contacts');
      pages++;
      const mapped = await this.mapAll('contacts', page.records, skip, (rec) =>
        toContact(contacts.fields, rec, { auth: account.auth }, false),
      );
      for (const { index, value } of mapped) {
        if (value && !ids.has(value.id)) {
          ids.add(value.id);
          records.push(value);
        }
        if (records.length >= query.limit) {
          if (index + 1 >= page.records.length && !page.next) return { records, hasMore: false };
          const at =
            index + 1 < page.records.length
              ? { s: state, k: index + 1 }
              : { s: page.next ?? state, k: 0 };
          return { records, hasMore: true, resume: resumeAt(at) };
        }
      }
      if (!page.next) return { records, hasMore: false };
      const key = stateKey(page.next);
      if (seen.has(key)) {
        throw new UpstreamError(
          'The external system handed back a page it had already given (a repeated cursor or link): paging stopped',
        );
      }
      seen.add(key);
      state = page.next;
      skip = 0;
      if (pages >= this.manifest.maxPagesPerCall) {
        return { records, hasMore: true, resume: resumeAt({ s: state, k: 0 }) };
      }
    }
  }

  // ---------------------------------------------------------------- agents

  private rememberPosition(account: RestAccount, index: number, state: PageState, first: number) {
    let positions = this.walkCache.get(account.key);
    if (!positions) {
      positions = new Map();
      this.walkCache.set(account.key, positions);
      if (this.walkCache.size > MAX_WALK_CACHE_ACCOUNTS) {
        this.walkCache.delete(this.walkCache.keys().next().value as string);
      }
    }
    positions.set(index, { state, first });
    if (positions.size > MAX_WALK_CACHE_POSITIONS) {
      positions.delete(positions.keys().next().value as number);
    }
  }

  /** The page holding upstream record `position`, and the index of that page's first record. */
  private agentStart(account: RestAccount, position: number): { state: PageState; first: number } {
    const p = this.manifest.agents!.paginator;
    if (p.type === 'offset')
      return { state: { k: 'offset', offset: p.startOffset + position }, first: position };
    if (p.type === 'page_number' && p.pageSize) {
      const pages = Math.floor(position / p.pageSize);
      return {
        state: { k: 'page', page: p.startPage + pages, read: pages * p.pageSize },
        first: pages * p.pageSize,
      };
    }
    const cached = this.walkCache.get(account.key)?.get(position);
    return cached ?? { state: initialState(p), first: 0 };
  }

  /**
   * Users from upstream record `position` (Talkdesk's integer offset counts upstream records,
   * those dropped included). Offsets and page numbers of a known size point straight at the
   * page; cursors and links are found again from a cache of the pages handed out, or by
   * reading from the first page.
   */
  async listUsers(
    account: AccountRef,
    position: number | null,
    limit: number,
    signal: AbortSignal,
  ): Promise<UserBatch> {
    const agents = this.manifest.agents;
    if (!agents) throw new UpstreamError('This connector’s manifest has no agents section');
    const acc = restAccount(account);
    const start = position ?? 0;
    if (!Number.isSafeInteger(start) || start < 0)
      throw new InvalidPositionError('offset must be a position this bridge issued');
    let { state, first } = this.agentStart(acc, start);
    const seen = new Set([stateKey(state)]);
    const records: UserRecord[] = [];
    const ids = new Set<string>();
    const scope: Scope = { auth: acc.auth, limit };
    const pageSize =
      agents.paginator.type === 'page_number' ? agents.paginator.pageSize : undefined;
    for (let pages = 0; ;) {
      const page = await this.readPage(acc, agents, scope, state, signal, 'agents');
      pages++;
      if (pageSize !== undefined && page.records.length > pageSize) {
        throw new UpstreamError(
          `The agents list answered ${page.records.length} records on one page, more than agents.paginator.page_size (${pageSize}): set it to the size the external system uses`,
        );
      }
      const skip = Math.max(0, start - first);
      if (skip > 0 && skip >= page.records.length && !page.next) return { records, next: null };
      if (skip < page.records.length) {
        const mapped = await this.mapAll('agents', page.records, skip, (r) =>
          toUser(agents.fields, r, { auth: acc.auth }),
        );
        for (const { index, value } of mapped) {
          if (value && !ids.has(String(value.id))) {
            ids.add(String(value.id));
            records.push(value);
          }
          if (records.length >= limit) {
            if (index + 1 < page.records.length) {
              this.rememberPosition(acc, first + index + 1, state, first);
              return { records, next: first + index + 1 };
            }
            const after = first + page.records.length;
            const more = page.next
              ? await this.peek(acc, agents, scope, page.next, after, signal)
              : false;
            return { records, next: more ? after : null };
          }
        }
      }
      if (!page.next) return { records, next: null };
      const key = stateKey(page.next);
      if (seen.has(key)) {
        throw new UpstreamError(
          'The external system handed back a page it had already given (a repeated cursor or link): paging stopped',
        );
      }
      seen.add(key);
      first += page.records.length;
      state = page.next;
      this.rememberPosition(acc, first, state, first);
      if (pages >= this.manifest.maxPagesPerCall && records.length > 0) {
        return { records, next: Math.max(first, start) };
      }
    }
  }

  /** Whether the page at `state` (starting at upstream record `first`) holds any record. */
  private async peek(
    account: RestAccount,
    agents: CompiledStream,
    scope: Scope,
    state: PageState,
    first: number,
    signal: AbortSignal,
  ): Promise<boolean> {
    const page = await this.readPage(account, agents, scope, state, signal, 'agents');
    if (page.records.length === 0) return false;
    this.rememberPosition(account, first, state, first);
    return true;
  }

  // ---------------------------------------------------------------- interactions

  private async lookup(
    account: RestAccount,
    spec: CompiledLookup,
    lookup: Record<string, unknown>,
    signal: AbortSignal,
    label: string,
  ): Promise<{ id: string; record: unknown } | null> {
    const answer = await this.exchange(
      account,
      spec.request,
      { auth: account.auth, lookup, limit: 1 },
      signal,
      {
        label,
        accept: spec.notFound,
      },
    );
    if (spec.notFound.has(answer.status)) return null;
    const selected = spec.selector.get(answer.body);
    const record = Array.isArray(selected) ? selected[0] : selected;
    if (record === undefined || record === null) return null;
    const id = text(this.manifest.interactions!.idField.get(record));
    return id === null ? null : { id, record };
  }

  private lookupValues(contact: ContactLookup): Record<string, unknown> {
    return { ...(contact.name && { name: contact.name }) };
  }

  async findInteractions(
    account: AccountRef,
    contact: ContactLookup,
    query: InteractionQuery,
    signal: AbortSignal,
  ): Promise<InteractionRecord[] | null> {
    const spec = this.manifest.interactions;
    if (!spec) return null;
    const acc = restAccount(account);
    const base = this.lookupValues(contact);
    let found: { id: string; record: unknown } | null = null;
    let trusted = false;
    if (contact.contactId) {
      if (spec.byId) {
        found = await this.lookup(
          acc,
          spec.byId,
          { ...base, id: contact.contactId },
          signal,
          'contact lookup by id',
        );
      } else {
        found = { id: contact.contactId, record: null };
        trusted = true;
      }
    }
    if (!found && spec.byEmail) {
      for (const email of contact.emails.slice(0, MAX_LOOKUP_VALUES)) {
        found = await this.lookup(
          acc,
          spec.byEmail,
          { ...base, email: email.trim() },
          signal,
          'contact lookup by email',
        );
        if (found) break;
      }
    }
    if (!found && spec.byPhone) {
      for (const phone of contact.phones.slice(0, MAX_LOOKUP_VALUES)) {
        const region = this.options.defaultPhoneRegion ?? DEFAULT_PHONE_REGION;
        found = await this.lookup(
          acc,
          spec.byPhone,
          { ...base, ...phoneLookupForms(phone, region) },
          signal,
          'contact lookup by phone',
        );
        if (found) break;
      }
    }
    if (!found) return null;
    const types = query.types.filter((t) => spec.types.includes(t));
    const streams = spec.streams.filter((s) => s.types.some((t) => types.includes(t)));
    const scope: Scope = {
      auth: acc.auth,
      contact: found,
      lookup: { ...base, id: found.id },
      limit: query.limit,
    };
    const results = await Promise.all(
      streams.map((s) => this.readInteractions(acc, s, scope, query.limit, signal)),
    );
    if (trusted && results.some((r) => r === null)) return null;
    const byKey = new Map<string, InteractionRecord>();
    for (const list of results) {
      for (const record of list ?? []) {
        if (types.includes(record.type)) byKey.set(`${record.type}\n${String(record.id)}`, record);
      }
    }
    return [...byKey.values()]
      .sort((a, b) => Number(b.date) - Number(a.date) || compareIds(String(b.id), String(a.id)))
      .slice(0, query.limit);
  }

  /** A stream's interactions (null when the upstream does not know the contact). */
  private async readInteractions(
    account: RestAccount,
    stream: CompiledInteractionStream,
    scope: Scope,
    limit: number,
    signal: AbortSignal,
  ): Promise<InteractionRecord[] | null> {
    const notFound = this.manifest.interactions!.notFound;
    const defaultType = stream.types.length === 1 ? stream.types[0] : undefined;
    const out: InteractionRecord[] = [];
    let state = initialState(stream.paginator);
    const seen = new Set([stateKey(state)]);
    for (let pages = 0; pages < stream.maxPages; pages++) {
      const page = await this.readPage(account, stream, scope, state, signal, 'interactions', {
        accept: notFound,
      });
      if (notFound.has(page.status)) return pages === 0 ? null : out;
      const mapped = await this.mapAll('interactions', page.records, 0, (r) =>
        toInteraction(stream.fields, r, { auth: account.auth }, defaultType),
      );
      for (const { value } of mapped) if (value) out.push(value);
      if (!page.next || out.length >= limit) break;
      const key = stateKey(page.next);
      if (seen.has(key)) break;
      seen.add(key);
      state = page.next;
    }
    return out;
  }

  // ---------------------------------------------------------------- actions

  async runAction(
    account: AccountRef,
    name: string,
    request: ActionRequest,
    signal: AbortSignal,
  ): Promise<ActionOutcome> {
    const action = this.manifest.actions.find((a) => a.name === name);
    if (!action)
      throw new ActionRejectedError(`The action ${name} is not in this connector's manifest`);
    const acc = restAccount(account);
    const meta = {
      ...(request.contactExternalId !== undefined && {
        contact_external_id: request.contactExternalId,
      }),
      ...(request.agentExternalId !== undefined && { agent_external_id: request.agentExternalId }),
    };
    for (const needed of action.requires) {
      if (!(meta as Record<string, unknown>)[needed]) {
        throw new ActionRejectedError(`${name} needs meta.${needed}`);
      }
    }
    const scope: Scope = { auth: acc.auth, data: request.data, meta };
    const refusals = new Set(
      Array.from({ length: 100 }, (_, i) => 400 + i).filter(
        (s) => ![401, 403, 408, 425, 429].includes(s),
      ),
    );
    const answer = await this.exchange(acc, action.request, scope, signal, {
      label: `action ${name}`,
      accept: refusals,
    });
    if (refusals.has(answer.status)) {
      const said = action.errorMessagePath ? text(action.errorMessagePath.get(answer.body)) : null;
      const why = said ? `: ${acc.secrets.mask(said).slice(0, 300)}` : '';
      throw new ActionRejectedError(
        `The external system refused ${name} (HTTP ${answer.status})${why}`,
      );
    }
    const outcome: ActionOutcome = {};
    const keys = {
      message: 'message',
      external_id: 'externalId',
      contact_external_id: 'contactExternalId',
      contact_external_type: 'contactExternalType',
      contact_external_url: 'contactExternalUrl',
    } as const;
    for (const [key, field] of Object.entries(keys)) {
      const spec = action.response[key as keyof typeof keys];
      if (!spec) continue;
      const value = text(await evaluate(spec, answer.body, scope));
      if (value !== null) outcome[field] = value;
    }
    return outcome;
  }
}
