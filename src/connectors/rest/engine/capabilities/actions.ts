import { AccountRef, ActionDefinition, ActionOutcome, ActionRequest } from '../../../ports';
import { ActionRejectedError } from '../../../ports/errors';
import { evaluate, Scope, text } from '../mapper';
import { quotedMessage } from '../error-classifier';
import { restAccount } from '../rest-account';
import { RestClient } from '../rest-client';

/** The keys of an action's `response` and the ActionOutcome fields they fill. */
const OUTCOME_KEYS = {
  message: 'message',
  external_id: 'externalId',
  contact_external_id: 'contactExternalId',
  contact_external_type: 'contactExternalType',
  contact_external_url: 'contactExternalUrl',
} as const;

/**
 * Actions: one request each. A 4xx that is neither about the credentials nor "try again" is
 * the upstream refusing the action (ActionRejectedError, with its message when the manifest
 * says where it is).
 */
export class ActionsCapability {
  readonly definitions: ActionDefinition[];
  private readonly refusals: ReadonlySet<number>;

  constructor(private readonly client: RestClient) {
    this.definitions = client.manifest.actions.map((a) => ({
      name: a.name,
      display: a.display,
      description: a.description,
      inputs: a.inputs,
    }));
    // 4xx but the credentials' (401, 403) and those tried again (429, and retry.statuses).
    const retried = client.manifest.retryStatuses;
    this.refusals = new Set(
      Array.from({ length: 100 }, (_, i) => 400 + i).filter(
        (s) => s !== 401 && s !== 403 && s !== 429 && !retried.has(s),
      ),
    );
  }

  async runAction(
    account: AccountRef,
    name: string,
    request: ActionRequest,
    signal: AbortSignal,
  ): Promise<ActionOutcome> {
    const action = this.client.manifest.actions.find((a) => a.name === name);
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
    const answer = await this.client.exchange(acc, action.request, scope, signal, {
      label: `action ${name}`,
      accept: this.refusals,
    });
    if (this.refusals.has(answer.status)) {
      const said = quotedMessage(
        action.errorMessagePath ?? this.client.manifest.errorMessagePath,
        answer.body,
        acc.secrets,
      );
      const why = said ? `: ${said}` : '';
      throw new ActionRejectedError(
        `The external system refused ${name} (HTTP ${answer.status})${why}`,
      );
    }
    // The answer's headers too: an API may say what it created only there (OData-EntityId).
    const answered: Scope = { ...scope, headers: answer.headers };
    const outcome: ActionOutcome = {};
    for (const [key, field] of Object.entries(OUTCOME_KEYS)) {
      const spec = action.response[key as keyof typeof OUTCOME_KEYS];
      if (!spec) continue;
      const value = text(await evaluate(spec, answer.body, answered));
      if (value !== null) outcome[field] = value;
    }
    return outcome;
  }
}
