import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { canonicalJson, digest } from '../common/canonical-json';
import { AppConfig } from '../config/app-config';
import { KeyValueStore, KeyValueStores, StoreUnavailableError } from '../store/key-value-store';
import { TimeBudget } from '../common/time-budget';
import { BridgeError } from '../talkdesk/contract/errors';
import { ActionInFlightException, IdempotencyKeyReusedException } from './idempotency.errors';

/** What an action answered: replayed as it was to a repeated request. */
export interface RecordedResponse {
  status: number;
  body: unknown;
}

export interface IdempotentRun {
  response: RecordedResponse;
  /** True when the response is the recorded one of an earlier request. */
  replayed: boolean;
}

export interface IdempotencyScope {
  /** AccountRef.key of the account (never the credentials). */
  accountKey: string;
  action: string;
  /** Everything the action depends on besides the account; compared in canonical form. */
  payload: unknown;
  /** The Idempotency-Key header, when the caller sent one. */
  idempotencyKey?: string;
}

type StoredRecord =
  | { state: 'running'; token: string; fingerprint: string }
  | { state: 'done'; fingerprint: string; response: RecordedResponse };

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
/** How often a duplicate request looks again for the first one's result. */
const POLL_MS = 50;
/** Time a waiting duplicate keeps to answer 409 before its own budget runs out. */
const ANSWER_RESERVE_MS = 100;
/** Pause between two attempts to settle a claim whose outcome is unknown. */
const SETTLE_RETRY_MS = 250;

/**
 * Runs an action at most once per account, action and payload within a window (or per
 * Idempotency-Key), and answers repeats with the first result. The first request claims the key
 * atomically (SET NX with expiry); duplicates that arrive while it runs wait for its result
 * within their own time budget, then answer 409. Failures are not recorded: the claim is
 * released, so a retry runs the action again.
 */
@Injectable()
export class IdempotencyService {
  private readonly logger = new Logger(IdempotencyService.name);
  private readonly store: KeyValueStore;
  /** A claim outlives any request (so a crash mid-action blocks duplicates for a while, not for ever). */
  private readonly claimTtlMs: number;

  constructor(
    stores: KeyValueStores,
    private readonly config: AppConfig,
  ) {
    this.store = stores.open('idempotency', { maxEntries: 100_000 });
    this.claimTtlMs = Math.max(30_000, 3 * config.requestBudgetMs);
  }

  /** Checks an Idempotency-Key header: 1 to 255 visible ASCII characters. */
  static checkKey(value: unknown): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !IDEMPOTENCY_KEY.test(value)) {
      throw new BridgeError(
        'idempotency_key_invalid',
        'Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID is a good choice)',
      );
    }
    return value;
  }

  async run(
    scope: IdempotencyScope,
    budget: TimeBudget,
    work: () => Promise<RecordedResponse>,
  ): Promise<IdempotentRun> {
    const fingerprint = digest(canonicalJson(scope.payload));
    const account = digest(scope.accountKey);
    let key: string;
    let ttlMs: number;
    if (scope.idempotencyKey !== undefined) {
      key = `${account}:${scope.action}:key:${digest(scope.idempotencyKey)}`;
      ttlMs = this.config.idempotencyKeyTtlSeconds * 1000;
    } else if (this.config.idempotencyWindowSeconds > 0) {
      key = `${account}:${scope.action}:payload:${fingerprint}`;
      ttlMs = this.config.idempotencyWindowSeconds * 1000;
    } else {
      return { response: await work(), replayed: false };
    }
    try {
      return await this.runOnce(key, ttlMs, fingerprint, budget, work);
    } catch (error) {
      if (error instanceof StoreUnavailableError) {
        // Without its records the bridge cannot tell a retry from a new action: refuse rather
        // than risk running it twice.
        this.logger.error(`Refused an action: ${error.message}`);
        throw new StoreUnavailableError(
          'The idempotency store is unavailable; the action was not run, retry later',
          { cause: error },
        );
      }
      throw error;
    }
  }

  private async runOnce(
    key: string,
    ttlMs: number,
    fingerprint: string,
    budget: TimeBudget,
    work: () => Promise<RecordedResponse>,
  ): Promise<IdempotentRun> {
    const claim = JSON.stringify({ state: 'running', token: randomUUID(), fingerprint });
    for (;;) {
      let claimed: boolean;
      try {
        claimed = await this.store.setIfAbsent(key, claim, this.claimTtlMs);
      } catch (error) {
        // No answer is not no claim: the command may have reached Redis and run later (a
        // paused or slow server). The action is not run, so the claim must not stay: its
        // release follows it on the same connection, and is retried until Redis answers.
        this.settle('release an unconfirmed claim', () => this.store.deleteIfEquals(key, claim));
        throw error;
      }
      if (claimed) {
        return {
          response: await this.runClaimed(key, claim, ttlMs, fingerprint, work),
          replayed: false,
        };
      }
      const raw = await this.store.get(key);
      const stored = parse(raw);
      if (stored) {
        if (stored.fingerprint !== fingerprint) throw new IdempotencyKeyReusedException();
        if (stored.state === 'done') return { response: stored.response, replayed: true };
      }
      // Still running for another request; or just released, and the next turn claims it.
      if (budget.remainingMs() <= POLL_MS + ANSWER_RESERVE_MS) throw new ActionInFlightException();
      if (raw !== null) await sleep(POLL_MS);
    }
  }

  private async runClaimed(
    key: string,
    claim: string,
    ttlMs: number,
    fingerprint: string,
    work: () => Promise<RecordedResponse>,
  ): Promise<RecordedResponse> {
    let response: RecordedResponse;
    try {
      response = await work();
    } catch (error) {
      // Not recorded: the external system refused or failed, so a retry may run it again.
      await this.store.deleteIfEquals(key, claim).catch((release: unknown) => {
        this.logger.warn(`Could not release an idempotency claim yet: ${String(release)}`);
        this.settle('release a claim', () => this.store.deleteIfEquals(key, claim));
      });
      throw error;
    }
    const record = JSON.stringify({ state: 'done', fingerprint, response });
    try {
      if (!(await this.store.replaceIfEquals(key, claim, record, ttlMs))) {
        this.logger.warn('An idempotency claim expired before its action finished');
      }
    } catch (error) {
      // The action ran: answer it, and record it once Redis answers again, so that duplicates
      // get its result rather than 409 until the claim expires.
      this.logger.error(`Could not record an action result yet: ${String(error)}`);
      this.settle('record an action result', () =>
        this.store.replaceIfEquals(key, claim, record, ttlMs),
      );
    }
    return response;
  }

  /**
   * Repeats `operation` (a compare-and-set on this request's own claim, so harmless when it
   * finds nothing) in the background until the store answers, for as long as a claim lives.
   */
  private settle(what: string, operation: () => Promise<unknown>): void {
    const giveUpAt = Date.now() + this.claimTtlMs;
    const attempt = (): void => {
      operation().then(
        () => undefined,
        (error: unknown) => {
          if (Date.now() >= giveUpAt) {
            this.logger.error(`Gave up trying to ${what}: ${String(error)}`);
            return;
          }
          setTimeout(attempt, SETTLE_RETRY_MS).unref();
        },
      );
    };
    attempt();
  }
}

function parse(value: string | null): StoredRecord | null {
  if (value === null) return null;
  try {
    const record = JSON.parse(value) as StoredRecord;
    return record && (record.state === 'running' || record.state === 'done') ? record : null;
  } catch {
    return null;
  }
}
