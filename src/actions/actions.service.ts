import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { ActionDefinition, ActionsPort, AuthFields } from '../connectors/ports';
import { AccountResolver } from '../talkdesk/account-resolver.service';
import { TimeBudget } from '../talkdesk/time-budget';

export interface ActionInvocation {
  data?: Record<string, unknown> | null;
  contactExternalId?: string | number | null;
  agentExternalId?: string | number | null;
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
  ) {}

  definition(name: string): ActionDefinition {
    const definition = this.actions.definitions.find((d) => d.name === name);
    if (!definition) {
      throw new NotFoundException(
        `Unknown action "${name}": GET /integration/actions lists the actions`,
      );
    }
    return definition;
  }

  async run(
    name: string,
    auth: AuthFields,
    invocation: ActionInvocation,
    budget: TimeBudget,
  ): Promise<ActionResult> {
    const definition = this.definition(name);
    const { account } = await this.accounts.resolve(auth, budget);
    const data = invocation.data ?? {};
    const missing = definition.inputs
      .filter((input) => input.mandatory && isMissing(data[input.key]))
      .map((input) => `data.${input.key}`);
    if (missing.length > 0) {
      throw new BadRequestException(`Missing mandatory input(s) of ${name}: ${missing.join(', ')}`);
    }
    const outcome = await this.actions.run(
      account,
      name,
      {
        data,
        contactExternalId: idOf(invocation.contactExternalId),
        agentExternalId: idOf(invocation.agentExternalId),
      },
      { signal: budget.signal },
    );
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
}
