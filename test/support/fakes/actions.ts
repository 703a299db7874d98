import {
  AccountRef,
  ActionDefinition,
  ActionOutcome,
  ActionRequest,
  ActionsPort,
  CallOptions,
} from '../../../src/connectors/ports';

/** create_ticket (subject and description mandatory, priority optional) and create_contact (name). */
export const FAKE_ACTIONS: ActionDefinition[] = [
  {
    name: 'create_ticket',
    display: 'Create ticket',
    description: 'Opens a ticket',
    inputs: [
      { key: 'subject', name: 'Subject', mandatory: true },
      { key: 'description', name: 'Description', mandatory: true },
      { key: 'priority', name: 'Priority', mandatory: false },
    ],
  },
  {
    name: 'create_contact',
    display: 'Create contact',
    description: 'Creates a contact',
    inputs: [{ key: 'name', name: 'Name', mandatory: true }],
  },
];

/** Runs every action with one fixed outcome. Records every run. */
export class FakeActionsPort extends ActionsPort {
  readonly runs: { account: AccountRef; name: string; request: ActionRequest }[] = [];

  constructor(
    private readonly outcome: ActionOutcome = { message: 'done' },
    readonly definitions: ActionDefinition[] = structuredClone(FAKE_ACTIONS),
  ) {
    super();
  }

  async run(
    account: AccountRef,
    name: string,
    request: ActionRequest,
    _options?: CallOptions,
  ): Promise<ActionOutcome> {
    this.runs.push({ account, name, request });
    return this.outcome;
  }
}
