import { AccountRef, CallOptions } from './account';

export interface ActionInput {
  key: string;
  name: string;
  mandatory: boolean;
}

export interface ActionDefinition {
  name: string;
  display: string;
  description: string;
  inputs: ActionInput[];
}

export interface ActionRequest {
  data: Record<string, unknown>;
  contactExternalId?: string;
  agentExternalId?: string;
}

export interface ActionOutcome {
  message?: string;
  externalId?: string;
  contactExternalId?: string;
  contactExternalType?: string;
  contactExternalUrl?: string;
}

export abstract class ActionsPort {
  abstract readonly definitions: ActionDefinition[];
  /** Runs the action; throws ActionRejectedError when the external system refuses it. */
  abstract run(
    account: AccountRef,
    name: string,
    request: ActionRequest,
    options: CallOptions,
  ): Promise<ActionOutcome>;
}
