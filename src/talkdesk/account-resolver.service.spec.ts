import { AppConfig } from '../config/app-config';
import { newAccount } from '../../test/factories';
import { FakeCredentialsPort } from '../../test/support/fakes';
import { budget, newTestService } from '../../test/support/test-service';
import { RequestTracing } from '../tracing/bridge-tracing';
import { AccountResolver } from './account-resolver.service';
import { accountLogKey } from './request-log';

const ANN = { username: 'ann@example.com', password: 'ann-secret' };
const BOB = { username: 'bob@example.com', password: 'bob-secret' };

/** Two accounts; a password may be revoked to see whether the resolver asks again. */
function setup(overrides: Partial<AppConfig> = {}) {
  const credentials = new FakeCredentialsPort(null)
    .accept(ANN, newAccount({ key: `account:${ANN.username}` }))
    .accept(BOB, newAccount({ key: `account:${BOB.username}` }));
  const { sut: resolver, ports } = newTestService(AccountResolver, {
    config: overrides,
    ports: { credentials },
  });
  return { port: ports.credentials, resolver };
}

afterEach(() => jest.restoreAllMocks());

describe('AccountResolver', () => {
  it('traced, puts the account hash (never the credentials) on the request span', async () => {
    const credentials = new FakeCredentialsPort(null).accept(
      ANN,
      newAccount({ key: `account:${ANN.username}` }),
    );
    const annotate = jest.fn();
    const tracing: RequestTracing = { annotate };
    const { config } = newTestService(AccountResolver, { ports: { credentials } });
    const resolver = new AccountResolver(credentials, config, undefined, tracing);

    await resolver.resolve(ANN, budget());

    expect(annotate).toHaveBeenCalledWith({
      'bridge.account': accountLogKey(`account:${ANN.username}`),
    });
    expect(JSON.stringify(annotate.mock.calls)).not.toMatch(/ann-secret|ann@example/);
  });

  it('rejected credentials are a credentials_rejected error (401) that does not echo them', async () => {
    const { resolver } = setup();

    const attempt = resolver.resolve(
      { username: 'ann@example.com', password: 'guess-123' },
      budget(),
    );

    await expect(attempt).rejects.toMatchObject({ code: 'credentials_rejected' });
    await expect(attempt).rejects.not.toThrow(/guess-123/);
  });

  it('does not cache rejected credentials', async () => {
    const { resolver, port } = setup();
    const wrong = { username: 'ann@example.com', password: 'wrong' };

    await expect(resolver.resolve(wrong, budget())).rejects.toMatchObject({
      code: 'credentials_rejected',
    });
    await expect(resolver.resolve(wrong, budget())).rejects.toMatchObject({
      code: 'credentials_rejected',
    });

    expect(port.calls).toHaveLength(2);
  });

  it('remembers verified credentials: two resolves call the port once', async () => {
    const { resolver, port } = setup({ credentialsCacheSeconds: 60 });

    const first = await resolver.resolve(ANN, budget());
    const second = await resolver.resolve({ ...ANN }, budget());

    expect(port.calls).toHaveLength(1);
    expect(second).toEqual(first);
    expect(second.account.key).toBe('account:ann@example.com');
  });

  it('identical credentials checked at once share one check; others do not', async () => {
    const { resolver, port } = setup({ credentialsCacheSeconds: 60 });

    const answers = await Promise.all([
      resolver.resolve(ANN, budget()),
      resolver.resolve({ ...ANN }, budget()),
      resolver.resolve(BOB, budget()),
      resolver.resolve(ANN, budget()),
    ]);

    expect(port.calls).toEqual([ANN, BOB]);
    expect(answers.map((a) => a.account.key)).toEqual([
      'account:ann@example.com',
      'account:ann@example.com',
      'account:bob@example.com',
      'account:ann@example.com',
    ]);
  });

  it('a rejection shared by identical checks is a 401 for each of them', async () => {
    const { resolver, port } = setup({ credentialsCacheSeconds: 60 });
    const wrong = { username: 'ann@example.com', password: 'wrong' };

    const attempts = await Promise.allSettled([
      resolver.resolve(wrong, budget()),
      resolver.resolve(wrong, budget()),
    ]);

    expect(port.calls).toHaveLength(1);
    for (const attempt of attempts) {
      expect(attempt).toMatchObject({
        status: 'rejected',
        reason: { code: 'credentials_rejected' },
      });
    }
  });

  it('a shared check that fails is not shared: each waiter checks for itself', async () => {
    const { resolver, port } = setup({ credentialsCacheSeconds: 60 });
    jest
      .spyOn(port, 'authenticate')
      .mockImplementationOnce(() => Promise.reject(new Error('external system down')));

    const [first, second] = await Promise.allSettled([
      resolver.resolve(ANN, budget()),
      resolver.resolve(ANN, budget()),
    ]);

    expect(first).toMatchObject({
      status: 'rejected',
      reason: { message: 'external system down' },
    });
    expect(second).toMatchObject({
      status: 'fulfilled',
      value: { account: { key: 'account:ann@example.com' } },
    });
  });

  it('keys the cache by the whole auth: two accounts never share an entry', async () => {
    const { resolver, port } = setup({ credentialsCacheSeconds: 60 });

    const ann = await resolver.resolve(ANN, budget());
    const bob = await resolver.resolve(BOB, budget());
    const annAgain = await resolver.resolve(ANN, budget());
    const bobAgain = await resolver.resolve(BOB, budget());

    expect(ann.account.key).toBe('account:ann@example.com');
    expect(bob.account.key).toBe('account:bob@example.com');
    expect(annAgain.account.key).toBe('account:ann@example.com');
    expect(bobAgain.account.key).toBe('account:bob@example.com');
    expect(port.calls).toEqual([ANN, BOB]);
  });

  it('a cached account does not answer for the same user with another password', async () => {
    const { resolver, port } = setup({ credentialsCacheSeconds: 60 });

    await resolver.resolve(ANN, budget());

    await expect(
      resolver.resolve({ ...ANN, password: 'not-ann-secret' }, budget()),
    ).rejects.toMatchObject({ code: 'credentials_rejected' });
    await expect(resolver.resolve({ ...ANN, extra: 'field' }, budget())).resolves.toEqual({
      account: { key: 'account:ann@example.com' },
    });
    expect(port.calls).toHaveLength(3);
  });

  it('the order of the fields in auth does not matter', async () => {
    const { resolver, port } = setup({ credentialsCacheSeconds: 60 });

    await resolver.resolve({ username: ANN.username, password: ANN.password }, budget());
    await resolver.resolve({ password: ANN.password, username: ANN.username }, budget());

    expect(port.calls).toHaveLength(1);
  });

  it('fresh: true bypasses the cache, and sees credentials revoked since', async () => {
    const { resolver, port } = setup({ credentialsCacheSeconds: 60 });
    await resolver.resolve(ANN, budget());

    await resolver.resolve(ANN, budget(), { fresh: true });
    expect(port.calls).toHaveLength(2);

    port.revoke(ANN); // the password is rotated
    await expect(resolver.resolve(ANN, budget(), { fresh: true })).rejects.toMatchObject({
      code: 'credentials_rejected',
    });
    // The rejected credentials are forgotten: no later resolve trusts the old entry.
    await expect(resolver.resolve(ANN, budget())).rejects.toMatchObject({
      code: 'credentials_rejected',
    });
    expect(port.calls).toHaveLength(4);
  });

  it('with credentialsCacheSeconds 0, asks the port every time', async () => {
    const { resolver, port } = setup({ credentialsCacheSeconds: 0 });

    await resolver.resolve(ANN, budget());
    await resolver.resolve(ANN, budget());
    await resolver.resolve(ANN, budget());

    expect(port.calls).toHaveLength(3);
  });

  it('asks again once the cached entry is older than credentialsCacheSeconds', async () => {
    let now = Date.UTC(2026, 0, 10);
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    const { resolver, port } = setup({ credentialsCacheSeconds: 60 });

    await resolver.resolve(ANN, budget());
    now += 59_000;
    await resolver.resolve(ANN, budget());
    expect(port.calls).toHaveLength(1);

    now += 2_000;
    await resolver.resolve(ANN, budget());
    expect(port.calls).toHaveLength(2);
  });
});
