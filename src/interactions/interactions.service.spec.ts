import { Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { InteractionRecord } from '../connectors/ports';
import { newInteraction, TEST_AUTH } from '../../test/factories';
import { FakeConnectorPort, FakeInteractionsPort } from '../../test/support/fakes';
import { budget, newTestService } from '../../test/support/test-service';
import { PRIORITIES, STATUSES } from '../talkdesk/contract/interactions';
import { InteractionsService } from './interactions.service';

const AUTH = TEST_AUTH;

const day = (n: number) => Date.UTC(2026, 0, n, 12);

function setup(
  records: InteractionRecord[],
  {
    supported = ['ticket', 'note', 'call'],
    ...overrides
  }: Partial<AppConfig> & { supported?: string[] } = {},
) {
  const { sut: service, ports } = newTestService(InteractionsService, {
    config: overrides,
    ports: {
      interactions: new FakeInteractionsPort(records),
      connector: new FakeConnectorPort({ interactionTypes: supported }),
    },
  });
  return { service, port: ports.interactions };
}

beforeEach(() => {
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

describe('InteractionsService', () => {
  const mixed: InteractionRecord[] = [
    { id: 1, type: 'ticket', subject: 'T1', date: day(1) },
    { id: 2, type: 'note', subject: 'N2', date: day(2) },
    { id: 3, type: 'call', subject: 'C3', date: day(3) },
    { id: 4, type: 'email', subject: 'E4', date: day(4) },
  ];

  it('returns only the requested types, even when the port returns others', async () => {
    const { service } = setup(mixed);

    const result = await service.retrieve(
      AUTH,
      { types: ['ticket', 'note'], contactExternalId: '1' },
      budget(),
    );

    expect(result.map((i) => i.type).sort()).toEqual(['note', 'ticket']);
    expect(result.map((i) => i.id).sort()).toEqual(['1', '2']);
  });

  it('ignores requested types the connector does not support, and asks the port only for supported ones', async () => {
    const { service, port } = setup(mixed, { supported: ['ticket', 'note'] });

    const result = await service.retrieve(
      AUTH,
      { types: ['ticket', 'email', 'sms'], contactExternalId: '1' },
      budget(),
    );

    expect(port.calls[0].query.types).toEqual(['ticket']);
    expect(result.map((i) => i.type)).toEqual(['ticket']);
  });

  it('answers [] without calling the port when no requested type is supported', async () => {
    const { service, port } = setup(mixed, { supported: ['ticket'] });

    const result = await service.retrieve(
      AUTH,
      { types: ['email'], contactExternalId: '1' },
      budget(),
    );

    expect(result).toEqual([]);
    expect(port.calls).toHaveLength(0);
  });

  it('without requested types, returns every supported type', async () => {
    const { service } = setup(mixed, { supported: ['ticket', 'call'] });

    const result = await service.retrieve(AUTH, { contactExternalId: '1' }, budget());

    expect(result.map((i) => i.type).sort()).toEqual(['call', 'ticket']);
  });

  it('keeps priority and status within Talkdesk’s enumerations, reading synonyms and unknown values', async () => {
    const { service } = setup([
      { id: 1, type: 'ticket', date: day(1), priority: 'Critical', status: 'In Progress' },
      { id: 2, type: 'ticket', date: day(2), priority: 'medium', status: 'resolved' },
      { id: 3, type: 'ticket', date: day(3), priority: 'banana', status: 'sleeping' },
      { id: 4, type: 'ticket', date: day(4), priority: null, status: null },
      { id: 5, type: 'ticket', date: day(5), priority: 'HIGH', status: 'Closed' },
    ]);

    const result = await service.retrieve(AUTH, { contactExternalId: '1' }, budget());
    const byId = Object.fromEntries(result.map((i) => [i.id, [i.priority, i.status]]));

    expect(byId).toEqual({
      '1': ['urgent', 'open'],
      '2': ['normal', 'solved'],
      '3': ['none', 'open'],
      '4': ['none', 'open'],
      '5': ['high', 'closed'],
    });
    for (const interaction of result) {
      expect(PRIORITIES).toContain(interaction.priority);
      expect(STATUSES).toContain(interaction.status);
    }
  });

  it('writes dates in ISO 8601 from a Date, epoch milliseconds or a date string, and drops an invalid date', async () => {
    const { service } = setup([
      { id: 'date', type: 'note', date: new Date(Date.UTC(2026, 0, 3, 8, 0, 0)) },
      { id: 'epoch', type: 'note', date: Date.UTC(2026, 0, 2, 8, 0, 0) },
      { id: 'string', type: 'note', date: '2026-01-01T09:00:00+01:00' },
      { id: 'invalid', type: 'note', date: 'not a date' },
    ]);

    const result = await service.retrieve(AUTH, { contactExternalId: '1' }, budget());

    expect(result.map((i) => [i.id, i.date])).toEqual([
      ['date', '2026-01-03T08:00:00.000Z'],
      ['epoch', '2026-01-02T08:00:00.000Z'],
      ['string', '2026-01-01T08:00:00.000Z'],
    ]);
  });

  it('gives [] for an unknown contact (the port answers null)', async () => {
    const { service, port } = setup(mixed);

    const result = await service.retrieve(AUTH, { contactExternalId: '999' }, budget());

    expect(port.calls).toHaveLength(1);
    expect(result).toEqual([]);
  });

  it('looks the contact up by its emails and phones when there is no external id', async () => {
    const { service, port } = setup(mixed);

    const result = await service.retrieve(
      AUTH,
      {
        contactName: 'Jane Doe',
        contactEmails: ['jane@example.com', null, ' '],
        contactPhones: [null, '+15555555555'],
      },
      budget(),
    );

    expect(port.calls[0].contact).toEqual({
      name: 'Jane Doe',
      emails: ['jane@example.com'],
      phones: ['+15555555555'],
    });
    expect(result.length).toBeGreaterThan(0);
  });

  it('returns the newest first', async () => {
    const { service } = setup([
      { id: 'b', type: 'ticket', date: day(5) },
      { id: 'a', type: 'ticket', date: day(9) },
      { id: 'd', type: 'note', date: day(1) },
      { id: 'c', type: 'call', date: day(7) },
    ]);

    const result = await service.retrieve(AUTH, { contactExternalId: 1 }, budget());

    expect(result.map((i) => i.id)).toEqual(['a', 'c', 'b', 'd']);
  });

  it('applies the configured limit, keeping the newest', async () => {
    const records = Array.from({ length: 6 }, (_, i) =>
      newInteraction({ id: i + 1, date: day(i + 1) }),
    );
    const { service, port } = setup(records, { interactionsLimit: 2 });

    const result = await service.retrieve(AUTH, { contactExternalId: '1' }, budget());

    expect(port.calls[0].query.limit).toBe(2);
    expect(result.map((i) => i.id)).toEqual(['6', '5']);
  });

  it('rejected credentials are a credentials_rejected error and the port is not called', async () => {
    const { service, port } = setup(mixed);

    await expect(
      service.retrieve({ ...AUTH, password: 'nope' }, { contactExternalId: '1' }, budget()),
    ).rejects.toMatchObject({ code: 'credentials_rejected' });
    expect(port.calls).toHaveLength(0);
  });
});
