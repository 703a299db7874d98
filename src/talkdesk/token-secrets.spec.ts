import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../common/config-error';
import { encodeToken } from './token-codec';
import { TOKEN_SECRET_FILE, tokenSignerFor } from './token-secrets';

const quiet = { warn: jest.fn() };
const SECRET = 's'.repeat(32);

describe('the token secret', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'token-secret-'));
    quiet.warn.mockClear();
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('without TOKEN_SECRET, is generated once in DATA_DIR: tokens survive a restart', () => {
    const first = tokenSignerFor({ dataDir }, quiet).forAccount('a');
    const token = encodeToken(first, 'kind', {});
    const file = join(dataDir, TOKEN_SECRET_FILE);

    expect(readFileSync(file, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(quiet.warn).toHaveBeenCalledWith(expect.stringMatching(/TOKEN_SECRET is not set/));
    const restarted = tokenSignerFor({ dataDir }, quiet).forAccount('a');
    expect(restarted.check(token)).toBe('current');
  });

  it('in a DATA_DIR not yet created, creates it', () => {
    const nested = join(dataDir, 'a', 'b');
    tokenSignerFor({ dataDir: nested }, quiet);
    expect(readFileSync(join(nested, TOKEN_SECRET_FILE), 'utf8').trim()).toHaveLength(64);
  });

  it('TOKEN_SECRET is used as given, the file untouched; TOKEN_SECRET_PREVIOUS still verifies', () => {
    const old = encodeToken(
      tokenSignerFor({ tokenSecret: SECRET, dataDir }).forAccount('a'),
      'k',
      {},
    );
    const rotated = tokenSignerFor({
      tokenSecret: 't'.repeat(32),
      tokenSecretPrevious: SECRET,
      dataDir,
    }).forAccount('a');

    expect(rotated.check(old)).toBe('previous');
    expect(() => statSync(join(dataDir, TOKEN_SECRET_FILE))).toThrow();
  });

  it('a DATA_DIR that cannot be written stops the start with a message naming TOKEN_SECRET', () => {
    // A directory under a regular file: no one, root included, can create it.
    const blocker = join(dataDir, 'a-file');
    writeFileSync(blocker, '');
    const unwritable = join(blocker, 'data');

    expect(() => tokenSignerFor({ dataDir: unwritable }, quiet)).toThrow(ConfigError);
    expect(() => tokenSignerFor({ dataDir: unwritable }, quiet)).toThrow(/: set TOKEN_SECRET/);
  });

  it('a secret file too short to be one is refused, not used', () => {
    writeFileSync(join(dataDir, TOKEN_SECRET_FILE), 'short\n');
    expect(() => tokenSignerFor({ dataDir }, quiet)).toThrow(/at least 32 characters/);
  });
});
