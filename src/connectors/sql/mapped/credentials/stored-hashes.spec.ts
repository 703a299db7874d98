import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { hashSync } from 'bcryptjs';
import { hash as argon2 } from '@node-rs/argon2';
import { hashPassword } from '../../passwords';
import { decoyHash, HashAlgorithm, sha256Hex, verifyStoredHash } from './stored-hashes';

const SECRET = 'correct horse battery staple';

function pbkdf2(secret: string, iterations = 1000): string {
  const salt = randomBytes(6).toString('hex');
  const key = pbkdf2Sync(secret, salt, iterations, 32, 'sha256').toString('base64');
  return `pbkdf2_sha256$${iterations}$${salt}$${key}`;
}

describe('stored hashes of a user’s own table', () => {
  const cases: [HashAlgorithm, () => Promise<string>][] = [
    ['bcrypt', async () => hashSync(SECRET, 4)],
    ['argon2', () => argon2(SECRET, { memoryCost: 1024, timeCost: 1 })],
    ['scrypt', () => hashPassword(SECRET)],
    ['pbkdf2', async () => pbkdf2(SECRET)],
    ['sha256', async () => sha256Hex(SECRET)],
  ];

  it.each(cases)('%s: the secret matches, another does not', async (algorithm, make) => {
    const stored = await make();
    expect(await verifyStoredHash(algorithm, SECRET, stored)).toBe(true);
    expect(await verifyStoredHash(algorithm, `${SECRET}!`, stored)).toBe(false);
  });

  it.each(cases)('%s: a malformed stored value never matches', async (algorithm) => {
    for (const stored of ['', 'x', '$2b$04$short', 'pbkdf2_sha256$0$salt$', SECRET]) {
      expect(await verifyStoredHash(algorithm, SECRET, stored)).toBe(false);
    }
  });

  it.each(cases)(
    '%s: the decoy for unknown users has the same cost and matches nothing',
    async (algorithm, make) => {
      const stored = await make();
      const decoy = await decoyHash(algorithm, stored);
      expect(await verifyStoredHash(algorithm, SECRET, decoy)).toBe(false);
      expect(await verifyStoredHash(algorithm, '', decoy)).toBe(false);
      if (algorithm === 'bcrypt') expect(decoy.slice(0, 7)).toBe(stored.slice(0, 7));
      if (algorithm === 'argon2') expect(decoy.split('$')[3]).toBe(stored.split('$')[3]);
      if (algorithm === 'pbkdf2') expect(decoy.split('$')[1]).toBe('1000');
    },
  );
});
