import { performance } from 'node:perf_hooks';
import {
  checkInteractionTypes,
  checkResponse,
  ExpectedResponse,
  PaginationGuard,
  Problem,
  UniqueIds,
  Violation,
  ViolationLog,
} from './contract-checks';
import { postJson } from './http';
import { OpenApiContract } from './openapi-contract';
import { COMMON_INTERACTION_TYPES } from '../talkdesk/contract/interactions';
import { seededRandom } from '../common/seeded-random';

/** The parts of a simulation, in the order Talkdesk would call them. */
export const STEPS = ['auth', 'contacts', 'incremental', 'agents', 'interactions'] as const;
export type Step = (typeof STEPS)[number];

export const PHASES = {
  auth: 'auth',
  contacts: 'contacts (full)',
  incremental: 'contacts (incremental)',
  agents: 'agents',
  interactions: 'interactions',
  action: 'action',
} as const;
export type PhaseName = (typeof PHASES)[keyof typeof PHASES];

/** Where the bridge serves each webhook, relative to `url`. */
export const DEFAULT_PATHS = {
  auth: '/auth/validate',
  contacts: '/contacts/sync',
  agents: '/agents/sync',
  interactions: '/interactions/retrieve',
};

/** Talkdesk gives up on a request after 10 s. */
export const TALKDESK_TIMEOUT_MS = 10_000;

export interface ActionRun {
  name: string;
  /** Path of the action's endpoint; `/actions/<name>` by default. */
  path?: string;
  data?: unknown;
  meta?: unknown;
}

export interface SimulatorOptions {
  /** Base URL of the bridge, e.g. http://localhost:3000 */
  url: string;
  /** The `auth` object Talkdesk would send (the integration's authentication fields). */
  auth: Record<string, unknown>;
  /**
   * Fields of `auth` that the wrong-credentials check leaves as they are: what Talkdesk stores
   * beside the secret and never changes, such as a tenant's URL (altering it points the bridge
   * at a system that does not exist, which is not a credential the system refuses).
   */
  keepAuthFields?: string[];
  /** A response not complete within this many ms is a violation (Talkdesk's limit: 10 s). */
  timeoutMs?: number;
  /** A paginated run still going after this many pages is a violation. */
  maxPages?: number;
  /** `meta.interaction_types` of interaction retrieval. */
  interactionTypes?: string[];
  /** How many synced contacts to retrieve interactions for. */
  interactionSamples?: number;
  /** Steps to leave out (a feature the bridge does not serve). */
  skip?: Step[];
  /** An action to run at the end. */
  action?: ActionRun;
  /** The spec responses are checked against; the committed one by default. */
  contract?: OpenApiContract;
}

export interface PhaseStats {
  phase: PhaseName;
  requests: number;
  pages: number;
  records: number;
  durationMs: number;
  slowestMs: number;
  slowestRequest?: string;
  violations: number;
}

export interface SimulationReport {
  url: string;
  startedAt: string;
  durationMs: number;
  passed: boolean;
  /** Total violations; `violations` keeps a bounded number of examples of each kind. */
  violationCount: number;
  violations: Violation[];
  violationSummary: { phase: string; check: string; count: number }[];
  phases: PhaseStats[];
  notes: string[];
  requests: number;
  slowestMs: number;
  /** The last synchronization checkpoint Talkdesk would keep after the simulation. */
  checkpoint?: string;
}

/** Live progress for a progress bar; called after every page. */
export interface SimulationObserver {
  phaseStarted?(phase: PhaseName): void;
  progress?(phase: PhaseName, records: number, pages: number): void;
  phaseEnded?(stats: PhaseStats): void;
}

interface SampledContact {
  id: string;
  name?: string;
  emails?: string[];
  phones?: string[];
}

const OK = [200];

/** Credentials that the external system must reject: every string field altered but `keep`. */
export function wrongCredentials(
  auth: Record<string, unknown>,
  keep: readonly string[] = [],
): Record<string, unknown> {
  const suffix = `-wrong-${Math.random().toString(36).slice(2, 10)}`;
  const wrong: Record<string, unknown> = {};
  let altered = false;
  for (const [key, value] of Object.entries(auth)) {
    if (typeof value === 'string' && !keep.includes(key)) {
      wrong[key] = `${value}${suffix}`;
      altered = true;
    } else wrong[key] = value;
  }
  if (!altered) wrong.password = suffix.slice(1);
  return wrong;
}

/** The first request could not even connect: nothing else is worth trying. */
class BridgeUnreachable extends Error {}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isSet = (value: unknown) => value !== undefined && value !== null;

/**
 * Plays Talkdesk against a bridge: authorization validation with good and wrong credentials,
 * a full contact sync then an incremental one, an agent sync, interaction retrieval for a
 * sample of the synced contacts and optionally an action, checking every response against
 * the contract. Never throws for what the bridge does: everything ends up in the report.
 */
export class Simulator {
  private readonly log = new ViolationLog();
  private readonly contract: OpenApiContract;
  private readonly phases: PhaseStats[] = [];
  private readonly notes: string[] = [];
  private readonly timeoutMs: number;
  private readonly maxPages: number;
  private readonly base: string;
  private readonly sample: SampledContact[] = [];
  private readonly random = seededRandom(20121120);
  private seenForSample = 0;
  private reached = false;
  private current?: PhaseStats;

  constructor(
    private readonly options: SimulatorOptions,
    private readonly observer: SimulationObserver = {},
  ) {
    this.contract = options.contract ?? OpenApiContract.fromFile();
    this.timeoutMs = options.timeoutMs ?? TALKDESK_TIMEOUT_MS;
    this.maxPages = options.maxPages ?? 10_000;
    this.base = options.url.replace(/\/+$/, '');
  }

  async run(): Promise<SimulationReport> {
    const startedAt = new Date();
    const started = performance.now();
    let checkpoint: string | undefined;
    try {
      checkpoint = await this.steps();
    } catch (error) {
      if (!(error instanceof BridgeUnreachable)) throw error;
      this.notes.push(`the bridge could not be reached at ${this.base}: nothing else was tried`);
    }
    const requests = this.phases.reduce((sum, p) => sum + p.requests, 0);
    return {
      url: this.base,
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(performance.now() - started),
      passed: this.log.count === 0,
      violationCount: this.log.count,
      violations: [...this.log.examples],
      violationSummary: this.log.summary(),
      phases: this.phases,
      notes: this.notes,
      requests,
      slowestMs: Math.max(0, ...this.phases.map((p) => p.slowestMs)),
      ...(checkpoint !== undefined && { checkpoint }),
    };
  }

  /** Every step in Talkdesk's order; answers the checkpoint Talkdesk would keep. */
  private async steps(): Promise<string | undefined> {
    const skip = new Set(this.options.skip ?? []);
    let checkpoint: string | undefined;
    if (!skip.has('auth')) await this.phase(PHASES.auth, () => this.authorization());
    if (!skip.has('contacts')) {
      const full = await this.phase(PHASES.contacts, () => this.contactRun(PHASES.contacts));
      checkpoint = full.checkpoint;
      if (!skip.has('incremental')) {
        if (!full.completed) {
          this.notes.push('incremental contact sync skipped: the full sync did not complete');
        } else if (checkpoint === undefined) {
          this.notes.push('incremental contact sync skipped: the full sync gave no checkpoint');
        } else {
          const from = checkpoint;
          const incremental = await this.phase(PHASES.incremental, () =>
            this.contactRun(PHASES.incremental, from),
          );
          checkpoint = incremental.checkpoint ?? checkpoint;
        }
      }
    }
    if (!skip.has('agents')) await this.phase(PHASES.agents, () => this.agentRun());
    if (!skip.has('interactions') && (this.options.interactionSamples ?? 5) > 0) {
      if (this.sample.length === 0) {
        this.notes.push('interaction retrieval skipped: no synced contact to open');
      } else {
        await this.phase(PHASES.interactions, () => this.interactionRetrieval());
      }
    }
    if (this.options.action) {
      const action = this.options.action;
      await this.phase(PHASES.action, () => this.actionRun(action));
    }
    return checkpoint;
  }

  private async phase<T>(phase: PhaseName, body: () => Promise<T>): Promise<T> {
    const stats: PhaseStats = {
      phase,
      requests: 0,
      pages: 0,
      records: 0,
      durationMs: 0,
      slowestMs: 0,
      violations: 0,
    };
    this.current = stats;
    this.observer.phaseStarted?.(phase);
    const started = performance.now();
    try {
      return await body();
    } finally {
      stats.durationMs = Math.round(performance.now() - started);
      stats.slowestMs = Math.round(stats.slowestMs);
      stats.violations = this.log.countFor(phase);
      this.phases.push(stats);
      this.observer.phaseEnded?.(stats);
    }
  }

  private violate(phase: PhaseName, request: string, problem: Problem): void {
    this.log.add({ phase, request, ...problem });
  }

  /**
   * One request with every common check; the parsed body when the exchange is usable for
   * the next step, undefined otherwise (the violations are already recorded).
   */
  private async call(
    phase: PhaseName,
    path: string,
    body: unknown,
    expected: ExpectedResponse,
  ): Promise<{ status: number; body?: unknown; request: string } | undefined> {
    const stats = this.current as PhaseStats;
    stats.requests += 1;
    const request = `POST ${path} #${stats.requests}`;
    const result = await postJson(`${this.base}${path}`, body, this.timeoutMs);
    const elapsedMs = 'exchange' in result ? result.exchange.elapsedMs : result.elapsedMs;
    if (elapsedMs > stats.slowestMs) {
      stats.slowestMs = elapsedMs;
      stats.slowestRequest = request;
    }
    if ('failure' in result) {
      this.violate(phase, request, result.failure);
      if (result.failure.check === 'network' && !this.reached) throw new BridgeUnreachable();
      return undefined;
    }
    this.reached = true;
    const checked = checkResponse(result.exchange, expected, this.contract);
    for (const problem of checked.problems) this.violate(phase, request, problem);
    if (!checked.usable) return undefined;
    return { status: result.exchange.status, body: checked.body, request };
  }

  private async authorization(): Promise<void> {
    const phase = PHASES.auth;
    const operation = { path: DEFAULT_PATHS.auth, method: 'post' };
    // 204, or 200 with a JSON object of fields to store (the spec's schema checks the object).
    await this.call(
      phase,
      DEFAULT_PATHS.auth,
      { auth: this.options.auth },
      { statuses: [204, 200], operation },
    );
    const wrong = wrongCredentials(this.options.auth, this.options.keepAuthFields);
    await this.call(phase, DEFAULT_PATHS.auth, { auth: wrong }, { statuses: [401], operation });
    // Every webhook, not only validation, answers 401 to rejected credentials.
    await this.call(
      phase,
      DEFAULT_PATHS.contacts,
      { auth: wrong, meta: { synchronization_checkpoint: null, offset: null, context: null } },
      { statuses: [401], operation: { path: DEFAULT_PATHS.contacts, method: 'post' } },
    );
  }

  /**
   * One contact synchronization run as Talkdesk drives it: pages until no `next_offset`,
   * `context` handed back, the last checkpoint kept (a response without one drops it).
   */
  private async contactRun(
    phase: PhaseName,
    startCheckpoint?: string,
  ): Promise<{ checkpoint?: string; completed: boolean }> {
    const stats = this.current as PhaseStats;
    const incremental = startCheckpoint !== undefined;
    const ids = new UniqueIds();
    const guard = new PaginationGuard(this.maxPages);
    const expected = {
      statuses: OK,
      operation: { path: DEFAULT_PATHS.contacts, method: 'post' },
    };
    let kept: string | undefined = startCheckpoint;
    let offset: unknown = null;
    let context: unknown = null;
    for (let page = 1; ; page += 1) {
      const response = await this.call(
        phase,
        DEFAULT_PATHS.contacts,
        {
          auth: this.options.auth,
          meta: { synchronization_checkpoint: startCheckpoint ?? null, offset, context },
        },
        expected,
      );
      if (!response || !isRecord(response.body)) return { checkpoint: kept, completed: false };
      const { body, request } = response;
      stats.pages += 1;
      const contacts = Array.isArray(body.contacts) ? body.contacts : [];
      for (const contact of contacts) {
        if (!isRecord(contact) || typeof contact.id !== 'string') continue;
        stats.records += 1;
        const first = ids.add(contact.id, page);
        if (first !== undefined) {
          this.violate(phase, request, {
            check: 'unique-id',
            message: `contact id ${JSON.stringify(contact.id)} was already sent on page ${first} of this run`,
          });
        }
        if (!incremental) this.offerSample(contact);
      }
      this.observer.progress?.(phase, stats.records, stats.pages);

      const checkpoint = body.synchronization_checkpoint;
      if (typeof checkpoint === 'string' && checkpoint !== '') kept = checkpoint;
      else {
        if (incremental) {
          this.violate(phase, request, {
            check: 'checkpoint',
            message:
              'an incremental sync page without synchronization_checkpoint: Talkdesk drops the checkpoint and every later sync is a full one (hand the incoming checkpoint back)',
          });
        }
        kept = undefined;
      }

      if (!isSet(body.next_offset) || body.next_offset === '') break;
      const stop = guard.follow(body.next_offset, page);
      if (stop) {
        this.violate(phase, request, stop);
        return { checkpoint: kept, completed: false };
      }
      offset = body.next_offset;
      context = body.context ?? null;
    }
    if (!incremental && stats.records > 0 && kept === undefined) {
      this.violate(phase, `${phase} run`, {
        check: 'checkpoint',
        message: `the full sync sent ${stats.records} contact(s) and ended without synchronization_checkpoint: every later sync would be a full one`,
      });
    }
    return { checkpoint: kept, completed: true };
  }

  /** Reservoir sampling of the synced contacts (first one included), for interaction retrieval. */
  private offerSample(contact: Record<string, unknown>): void {
    const wanted = this.options.interactionSamples ?? 5;
    if (wanted <= 0) return;
    this.seenForSample += 1;
    const strings = (value: unknown) =>
      Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    const sampled: SampledContact = {
      id: contact.id as string,
      ...(typeof contact.name === 'string' && { name: contact.name }),
      emails: strings(contact.emails),
      phones: strings(contact.phones),
    };
    // The first contact always, then a uniform sample of the rest.
    if (this.sample.length < wanted) this.sample.push(sampled);
    else if (wanted > 1) {
      const slot = 1 + Math.floor(this.random() * (this.seenForSample - 1));
      if (slot < wanted) this.sample[slot] = sampled;
    }
  }

  /** An agent synchronization run: integer offsets, null on the first call. */
  private async agentRun(): Promise<void> {
    const phase = PHASES.agents;
    const stats = this.current as PhaseStats;
    const ids = new UniqueIds();
    const guard = new PaginationGuard(this.maxPages);
    const expected = {
      statuses: OK,
      operation: { path: DEFAULT_PATHS.agents, method: 'post' },
    };
    let offset: unknown = null;
    for (let page = 1; ; page += 1) {
      const response = await this.call(
        phase,
        DEFAULT_PATHS.agents,
        { auth: this.options.auth, meta: { offset } },
        expected,
      );
      if (!response || !isRecord(response.body)) return;
      const { body, request } = response;
      stats.pages += 1;
      const agents = Array.isArray(body.agents) ? body.agents : [];
      for (const agent of agents) {
        if (!isRecord(agent)) continue;
        stats.records += 1;
        if (typeof agent.id === 'string') {
          const first = ids.add(agent.id, page);
          if (first !== undefined) {
            this.violate(phase, request, {
              check: 'unique-id',
              message: `agent id ${JSON.stringify(agent.id)} was already sent on page ${first} of this run`,
            });
          }
        }
        if (typeof agent.email === 'string' && !agent.email.includes('@')) {
          this.violate(phase, request, {
            check: 'agent-email',
            message: `agent ${JSON.stringify(agent.id)} has email ${JSON.stringify(agent.email)}: Talkdesk matches agents by email`,
          });
        }
      }
      this.observer.progress?.(phase, stats.records, stats.pages);
      if (!isSet(body.next_offset)) return;
      const stop = guard.follow(body.next_offset, page);
      if (stop) {
        this.violate(phase, request, stop);
        return;
      }
      offset = body.next_offset;
    }
  }

  /** Opens each sampled contact as a Talkdesk user would. */
  private async interactionRetrieval(): Promise<void> {
    const phase = PHASES.interactions;
    const stats = this.current as PhaseStats;
    const types = this.options.interactionTypes ?? COMMON_INTERACTION_TYPES;
    const expected = {
      statuses: OK,
      operation: { path: DEFAULT_PATHS.interactions, method: 'post' },
    };
    for (const contact of this.sample) {
      const response = await this.call(
        phase,
        DEFAULT_PATHS.interactions,
        {
          auth: this.options.auth,
          meta: { interaction_types: types },
          data: {
            contact_external_id: contact.id,
            contact_name: contact.name ?? null,
            contact_emails: contact.emails ?? [],
            contact_phones: contact.phones ?? [],
          },
        },
        expected,
      );
      if (!response || !Array.isArray(response.body)) continue;
      stats.pages += 1;
      const list = response.body.filter(isRecord);
      stats.records += list.length;
      for (const problem of checkInteractionTypes(list, types)) {
        this.violate(phase, response.request, problem);
      }
      const ids = new UniqueIds();
      for (const item of list) {
        if (typeof item.id !== 'string') continue;
        if (ids.add(`${String(item.type)}\u0000${item.id}`, 1) !== undefined) {
          this.violate(phase, response.request, {
            check: 'unique-id',
            message: `${String(item.type)} ${JSON.stringify(item.id)} is listed twice for contact ${JSON.stringify(contact.id)}`,
          });
        }
      }
      this.observer.progress?.(phase, stats.records, stats.pages);
    }
  }

  /** Runs the action once: `201` with a result, or `400` with the reason, both in the contract. */
  private async actionRun(action: ActionRun): Promise<void> {
    const phase = PHASES.action;
    const stats = this.current as PhaseStats;
    const path = action.path ?? `/actions/${encodeURIComponent(action.name)}`;
    const body: Record<string, unknown> = { auth: this.options.auth, data: action.data ?? {} };
    if (action.meta !== undefined) body.meta = action.meta;
    const response = await this.call(phase, path, body, {
      statuses: [201, 400],
      operation: { path: '/actions/{name}', method: 'post' },
    });
    if (!response) return;
    stats.pages += 1;
    const result = isRecord(response.body) ? response.body : {};
    if (response.status === 201) {
      stats.records += 1;
      const what = result.external_id ?? result.contact_external_id;
      this.notes.push(
        `action ${action.name} ran (201)${isSet(what) ? `: created ${String(what)}` : ''}${
          typeof result.message === 'string' ? ` — ${result.message}` : ''
        }`,
      );
    } else {
      this.notes.push(
        `action ${action.name} was refused (400): ${typeof result.message === 'string' ? result.message : '(no message)'}`,
      );
    }
  }
}

/** Runs one simulation; see {@link Simulator}. */
export function simulate(
  options: SimulatorOptions,
  observer?: SimulationObserver,
): Promise<SimulationReport> {
  return new Simulator(options, observer).run();
}
