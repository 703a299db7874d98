import { Injectable } from '@nestjs/common';
import {
  ActionDefinition,
  ActionOutcome,
  ActionRequest,
  ActionsPort,
  AuthFields,
} from '../connectors/ports';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { InteractionsCache } from '../interactions-cache/interactions-cache.service';
import { AccountResolver } from '../talkdesk/account-resolver.service';
import { TimeBudget } from '../common/time-budget';
import { OUTCOME_STATUS } from '../talkdesk/contract/outcomes';
import { BridgeError } from '../talkdesk/contract/errors';

export interface ActionInvocation {
  data?: Record<string, unknown> | null;
  contactExternalId?: string | number | null;
  agentExternalId?: string | number | null;
}

/** An action's answer, and whether it is the recorded answer of an earlier identical request. */
export interface ActionRun {
  status: number;
  result: ActionResult;
  replayed: boolean;
}

export interface ActionResult {
  message?: string;
  external_id?: string;
  contact_external_id?: string;
  contact_external_type?: string;
  contact_external_url?: string;
}

const isMissing = (value: unknown) =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

const idOf = (value: string | number | null | undefined) =>
  value === null || value === undefined || String(value).trim() === ''
    ? undefined
    : String(value).trim();

@Injectable()
export class ActionsService {
  constructor(
    private readonly accounts: AccountResolver,
    private readonly actions: ActionsPort,
    private readonly idempotency: IdempotencyService,
    private readonly interactionsCache: InteractionsCache,
  ) {}

  definition(name: string): ActionDefinition {
    const definition = this.actions.definitions.find((d) => d.name === name);
    if (!definition) {
      throw new BridgeError(
        'action_unknown',
        `Unknown action "${name}": GET /integration/actions lists the actions`,
      );
    }
    return definition;
  }

  /**
   * Runs the action once per account, action and payload within the idempotency window (or per
   * Idempotency-Key): repeats get the first result. A success makes the account's cached
   * interactions unreadable, since actions add tickets and calls.
   */
  async run(
    name: string,
    auth: AuthFields,
    invocation: ActionInvocation,
    budget: TimeBudget,
    idempotencyKey?: string,
  ): Promise<ActionRun> {
    const definition = this.definition(name);
    const { account } = await this.accounts.resolve(auth, budget);
    const data = invocation.data ?? {};
    const missing = definition.inputs
      .filter((input) => input.mandatory && isMissing(data[input.key]))
      .map((input) => `data.${input.key}`);
    if (missing.length > 0) {
      throw new BridgeError(
        'action_input_missing',
        `Missing mandatory input(s) of ${name}: ${missing.join(', ')}`,
      );
    }
    const request: ActionRequest = {
      data,
      contactExternalId: idOf(invocation.contactExternalId),
      agentExternalId: idOf(invocation.agentExternalId),
    };
    const { response, replayed } = await this.idempotency.run(
      { accountKey: account.key, action: name, payload: request, idempotencyKey },
      budget,
      async () => {
        const outcome = await this.actions.run(account, name, request, { signal: budget.signal });
        await this.interactionsCache.invalidate(account);
        return { status: OUTCOME_STATUS.actionRun, body: toResult(outcome) };
      },
    );
    return { status: response.status, result: response.body as ActionResult, replayed };
  }
}

function toResult(outcome: ActionOutcome): ActionResult {
  const result: ActionResult = {};
  if (outcome.message !== undefined) result.message = outcome.message;
  if (outcome.externalId !== undefined) result.external_id = outcome.externalId;
  if (outcome.contactExternalId !== undefined)
    result.contact_external_id = outcome.contactExternalId;
  if (outcome.contactExternalType !== undefined)
    result.contact_external_type = outcome.contactExternalType;
  if (outcome.contactExternalUrl !== undefined)
    result.contact_external_url = outcome.contactExternalUrl;
  return result;
}
