import { Logger } from '@nestjs/common';
import { UserRecord } from '../connectors/ports';
import { newAgent } from '../../test/factories';
import { FakeAgentsPort, FakeCredentialsPort } from '../../test/support/fakes';
import { budget, newTestService } from '../../test/support/test-service';
import { AgentsService } from './agents.service';

const AUTH = { api_token: 'token-1' };

function setup(users: UserRecord[], agentsPageSize = 3) {
  const { sut: service, ports } = newTestService(AgentsService, {
    config: { agentsPageSize },
    ports: { credentials: new FakeCredentialsPort(AUTH), agents: new FakeAgentsPort(users) },
  });
  return { service, port: ports.agents };
}

let warn: jest.SpyInstance;
beforeEach(() => {
  warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

describe('AgentsService', () => {
  it('skips users without a usable email (null, blank, not an address), logs them, and sends the rest of the page', async () => {
    const { service } = setup(
      [
        { id: 1, name: 'Ann', email: 'ann@example.com' },
        { id: 2, name: 'No Mail', email: null },
        { id: 3, name: 'Blank', email: '   ' },
        { id: 4, name: 'Bad', email: 'not-an-address' },
        { id: 5, name: 'Bob', email: 'bob@example.com' },
      ],
      10,
    );

    const page = await service.sync(AUTH, null, budget());

    expect(page.agents).toEqual([
      { id: '1', name: 'Ann', email: 'ann@example.com' },
      { id: '5', name: 'Bob', email: 'bob@example.com' },
    ]);
    expect(warn).toHaveBeenCalledTimes(1);
    const message = String(warn.mock.calls[0][0]);
    expect(message).toMatch(/Skipped 3 user/);
    expect(message).toContain('user 2');
    expect(message).toContain('user 3');
    expect(message).toContain('user 4');
  });

  it('logs nothing when every user can be matched', async () => {
    const { service } = setup([{ id: 1, name: 'Ann', email: 'ann@example.com' }]);

    await service.sync(AUTH, null, budget());

    expect(warn).not.toHaveBeenCalled();
  });

  it('gives an integer next_offset only while more users remain, and follows it to the end', async () => {
    const users = Array.from({ length: 7 }, (_, i) => newAgent({ id: i + 1 }));
    const { service } = setup(users, 3);

    const pages = [await service.sync(AUTH, undefined, budget())];
    while (pages[pages.length - 1].next_offset !== undefined) {
      if (pages.length > 10) throw new Error('the run does not end');
      pages.push(await service.sync(AUTH, pages[pages.length - 1].next_offset, budget()));
    }

    expect(pages.map((p) => p.agents.length)).toEqual([3, 3, 1]);
    for (const page of pages.slice(0, -1)) expect(Number.isInteger(page.next_offset)).toBe(true);
    expect(pages[pages.length - 1]).not.toHaveProperty('next_offset');
    expect(pages.flatMap((p) => p.agents.map((a) => a.id))).toEqual(users.map((u) => String(u.id)));
  });

  it('a page whose users are all skipped still hands on the next_offset', async () => {
    const { service } = setup(
      [
        { id: 1, email: null },
        { id: 2, email: '' },
        { id: 3, email: 'x@example.com' },
      ],
      2,
    );

    const page = await service.sync(AUTH, null, budget());

    expect(page).toEqual({ agents: [], next_offset: 2 });
  });

  it('sends every id as a string', async () => {
    const { service } = setup([
      { id: 341231, name: 'John Doe', email: 'john.doe@example.com' },
      { id: 'u-2', name: 'Jane Doe', email: 'jane.doe@example.com' },
    ]);

    const page = await service.sync(AUTH, null, budget());

    expect(page.agents.map((a) => a.id)).toEqual(['341231', 'u-2']);
    for (const agent of page.agents) expect(typeof agent.id).toBe('string');
  });

  it('null and absent offsets both start from the first user; the configured page size is asked for', async () => {
    const { service, port } = setup([{ id: 1, email: 'a@example.com' }], 5);

    await service.sync(AUTH, null, budget());
    await service.sync(AUTH, undefined, budget());

    expect(port.calls).toEqual([
      { position: null, limit: 5 },
      { position: null, limit: 5 },
    ]);
  });

  it('rejected credentials are a credentials_rejected error and no user is read', async () => {
    const { service, port } = setup([{ id: 1, email: 'a@example.com' }]);

    await expect(service.sync({ api_token: 'wrong' }, null, budget())).rejects.toMatchObject({
      code: 'credentials_rejected',
    });
    expect(port.calls).toHaveLength(0);
  });
});
