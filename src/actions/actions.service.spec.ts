import { IdempotencyService } from '../idempotency/idempotency.service';
import { InteractionsCache } from '../interactions-cache/interactions-cache.service';
import { MemoryKeyValueStores } from '../store/memory-key-value.store';
import { loadConfig } from '../config/app-config';
import {
  AccountRef,
  ActionDefinition,
  ActionOutcome,
  ActionRequest,
  ActionsPort,
  AuthenticatedAccount,
  AuthFields,
  CallOptions,
  CredentialsPort,
} from '../connectors/ports';
import { AccountResolver } from '../talkdesk/account-resolver.service';
import { TimeBudget } from '../common/time-budget';
import { ActionsService } from './actions.service';

const AUTH = { username: 'jane@example.com', password: 's3cret' };

class FakeCredentialsPort extends CredentialsPort {
  calls = 0;

  async authenticate(auth: AuthFields): Promise<AuthenticatedAccount | null> {
    this.calls++;
    return auth.password === AUTH.password ? { account: { key: 'account-1' } } : null;
  }
}

class FakeActionsPort extends ActionsPort {
  readonly definitions: ActionDefinition[] = [
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
  readonly runs: { account: AccountRef; name: string; request: ActionRequest }[] = [];

  constructor(private readonly outcome: ActionOutcome = { message: 'done' }) {
    super();
  }

  async run(
    account: AccountRef,
    name: string,
    request: ActionRequest,
    _options: CallOptions,
  ): Promise<ActionOutcome> {
    this.runs.push({ account, name, request });
    return this.outcome;
  }
}

function setup(outcome?: ActionOutcome) {
  const config = loadConfig({});
  const credentials = new FakeCredentialsPort();
  const port = new FakeActionsPort(outcome);
  const stores = new MemoryKeyValueStores();
  const service = new ActionsService(
    new AccountResolver(credentials, config),
    port,
    new IdempotencyService(stores, config),
    new InteractionsCache(stores, config),
  );
  return { service, port, credentials };
}

const budget = () => new TimeBudget(5000);
const ticket = { subject: 'Call missed', description: 'A call from Jane Doe was missed.' };

describe('ActionsService', () => {
  it('an unknown action is an action_unknown error, and nothing runs', async () => {
    const { service, port, credentials } = setup();

    const attempt = service.run('delete_everything', AUTH, { data: ticket }, budget());

    await expect(attempt).rejects.toMatchObject({ code: 'action_unknown' });
    await expect(attempt).rejects.toThrow(/delete_everything/);
    expect(port.runs).toHaveLength(0);
    expect(credentials.calls).toBe(0);
  });

  it.each([
    ['absent', { description: 'd' }],
    ['null', { subject: null, description: 'd' }],
    ['an empty string', { subject: '', description: 'd' }],
    ['a blank string', { subject: '   ', description: 'd' }],
  ])(
    'a mandatory input that is %s is an action_input_missing error naming data.subject',
    async (_case, data) => {
      const { service, port } = setup();

      const attempt = service.run('create_ticket', AUTH, { data }, budget());

      await expect(attempt).rejects.toMatchObject({ code: 'action_input_missing' });
      await expect(attempt).rejects.toThrow(/data\.subject/);
      expect(port.runs).toHaveLength(0);
    },
  );

  it('names every missing mandatory input, and only those', async () => {
    const { service } = setup();

    const attempt = service.run('create_ticket', AUTH, { data: null }, budget());

    await expect(attempt).rejects.toThrow(/data\.subject.*data\.description/);
    await expect(attempt).rejects.not.toThrow(/data\.priority/);
  });

  it('runs with the optional inputs absent, passing data and trimmed string ids to the port', async () => {
    const { service, port } = setup();

    await service.run(
      'create_ticket',
      AUTH,
      { data: ticket, contactExternalId: 12, agentExternalId: ' 7 ' },
      budget(),
    );

    expect(port.runs).toEqual([
      {
        account: { key: 'account-1' },
        name: 'create_ticket',
        request: { data: ticket, contactExternalId: '12', agentExternalId: '7' },
      },
    ]);
  });

  it('maps the outcome to Talkdesk’s snake_case keys', async () => {
    const { service } = setup({
      message: 'Contact 1501 created',
      externalId: '3012',
      contactExternalId: '1501',
      contactExternalType: 'contact',
      contactExternalUrl: 'https://crm.example.com/contacts/1501',
    });

    const { status, result } = await service.run(
      'create_contact',
      AUTH,
      { data: { name: 'Jane' } },
      budget(),
    );
    expect(status).toBe(201);

    expect(result).toEqual({
      message: 'Contact 1501 created',
      external_id: '3012',
      contact_external_id: '1501',
      contact_external_type: 'contact',
      contact_external_url: 'https://crm.example.com/contacts/1501',
    });
  });

  it('leaves out the keys the outcome does not have', async () => {
    const { service } = setup({ message: 'Ticket 3012 created', externalId: '3012' });

    const { result } = await service.run('create_ticket', AUTH, { data: ticket }, budget());

    expect(result).toEqual({ message: 'Ticket 3012 created', external_id: '3012' });
    expect(Object.keys(result).sort()).toEqual(['external_id', 'message']);
  });

  it('bad credentials are a credentials_rejected error before anything runs', async () => {
    const { service, port } = setup();

    await expect(
      service.run('create_ticket', { ...AUTH, password: 'wrong' }, { data: ticket }, budget()),
    ).rejects.toMatchObject({ code: 'credentials_rejected' });
    expect(port.runs).toHaveLength(0);
  });

  it('checks the credentials before the inputs: bad credentials and missing inputs give 401', async () => {
    const { service, port } = setup();

    await expect(
      service.run('create_ticket', { ...AUTH, password: 'wrong' }, { data: {} }, budget()),
    ).rejects.toMatchObject({ code: 'credentials_rejected' });
    expect(port.runs).toHaveLength(0);
  });
});
