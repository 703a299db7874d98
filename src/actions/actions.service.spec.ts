import { ActionOutcome } from '../connectors/ports';
import { TEST_AUTH } from '../../test/factories';
import { FakeActionsPort } from '../../test/support/fakes';
import { budget, newTestService } from '../../test/support/test-service';
import { ActionsService } from './actions.service';

const AUTH = TEST_AUTH;

function setup(outcome?: ActionOutcome) {
  const { sut: service, ports } = newTestService(ActionsService, {
    ports: { actions: new FakeActionsPort(outcome) },
  });
  return { service, port: ports.actions, credentials: ports.credentials };
}

const ticket = { subject: 'Call missed', description: 'A call from Jane Doe was missed.' };

describe('ActionsService', () => {
  it('an unknown action is an action_unknown error, and nothing runs', async () => {
    const { service, port, credentials } = setup();

    const attempt = service.run('delete_everything', AUTH, { data: ticket }, budget());

    await expect(attempt).rejects.toMatchObject({ code: 'action_unknown' });
    await expect(attempt).rejects.toThrow(/delete_everything/);
    expect(port.runs).toHaveLength(0);
    expect(credentials.calls).toHaveLength(0);
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
