import { ConfigError } from '../../../../common/config-error';
import { parseTokenHashes, StaticTokens } from './static-tokens';
import { sha256Hex } from './stored-hashes';

describe('static tokens', () => {
  const env = { TOKENS: `${sha256Hex('alpha')}\n${sha256Hex('beta')} tenant-b # the second\n` };
  const tokens = new StaticTokens(
    { type: 'static_tokens', field: 'api_token', hashes_env: 'TOKENS' },
    env,
  );

  it('accepts the tokens whose hash is listed, with the tenant listed beside it', () => {
    expect(tokens.check({ api_token: 'alpha' })).toEqual({ tenant: null });
    expect(tokens.check({ api_token: 'beta' })).toEqual({ tenant: 'tenant-b' });
  });

  it('refuses any other token, a missing one and one that is not text', () => {
    for (const auth of [
      { api_token: 'gamma' },
      { api_token: sha256Hex('alpha') },
      {},
      { api_token: 7 },
      { api_token: '' },
    ]) {
      expect(tokens.check(auth)).toBeUndefined();
    }
  });

  it('refuses to start without hashes, or with entries that are not SHA-256', () => {
    expect(
      () => new StaticTokens({ type: 'static_tokens', field: 't', hashes_env: 'NONE' }, {}),
    ).toThrow(ConfigError);
    expect(() => parseTokenHashes('alpha', 'x')).toThrow(/SHA-256 in hex/);
    expect(() => parseTokenHashes('# nothing\n', 'x')).toThrow(/holds no token hashes/);
    expect(
      () => new StaticTokens({ type: 'static_tokens', field: 't', hashes_file: '/nowhere/tokens' }),
    ).toThrow(/cannot be read \(ENOENT\)/);
  });
});
