import { createHash, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { verifyPassword } from '../../passwords';

/**
 * Checking a secret against the hash a user's own table stores, with the library each format
 * belongs to: bcryptjs (bcrypt), @node-rs/argon2 (argon2 PHC strings), node:crypto (scrypt in
 * the bridge's format, PBKDF2 in Django's `pbkdf2_sha256$iterations$salt$hash`, SHA-256 of a
 * token). Each is loaded on first use. A malformed stored hash never matches.
 */
export type HashAlgorithm = 'bcrypt' | 'argon2' | 'scrypt' | 'pbkdf2' | 'sha256';

export const sha256Hex = (secret: string) =>
  createHash('sha256').update(secret, 'utf8').digest('hex');

function equalText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function verifyPbkdf2(secret: string, stored: string): Promise<boolean> {
  const [scheme, iterations, salt, hash] = stored.split('$');
  const digest = /^pbkdf2_(sha256|sha512|sha1)$/.exec(scheme ?? '')?.[1];
  const rounds = Number(iterations);
  if (
    !digest ||
    !salt ||
    !hash ||
    !Number.isSafeInteger(rounds) ||
    rounds < 1 ||
    rounds > 10_000_000
  ) {
    return Promise.resolve(false);
  }
  const expected = Buffer.from(hash, 'base64');
  return new Promise((resolve, reject) =>
    pbkdf2(secret, salt, rounds, expected.length || 32, digest, (error, key) =>
      error ? reject(error) : resolve(expected.length > 0 && timingSafeEqual(key, expected)),
    ),
  );
}

export async function verifyStoredHash(
  algorithm: HashAlgorithm,
  secret: string,
  stored: string,
): Promise<boolean> {
  switch (algorithm) {
    case 'bcrypt': {
      if (!/^\$2[abxy]\$\d{2}\$[./A-Za-z0-9]{53}$/.test(stored)) return false;
      const { compare } = await import('bcryptjs');
      return compare(secret, stored);
    }
    case 'argon2': {
      if (!stored.startsWith('$argon2')) return false;
      const { verify } = await import('@node-rs/argon2');
      return verify(stored, secret).catch(() => false);
    }
    case 'scrypt':
      return verifyPassword(secret, stored);
    case 'pbkdf2':
      return verifyPbkdf2(secret, stored);
    case 'sha256':
      return equalText(sha256Hex(secret), stored.trim().toLowerCase());
  }
}

/**
 * A hash of the algorithm that no secret matches, checked for unknown users: the same work as a
 * known one. Made once, with the parameters of the first real hash seen when there is one
 * (the cost of the user's own hashes), else the libraries' defaults.
 */
export async function decoyHash(algorithm: HashAlgorithm, like?: string): Promise<string> {
  const secret = randomBytes(24).toString('base64');
  switch (algorithm) {
    case 'bcrypt': {
      const { hash } = await import('bcryptjs');
      const rounds = Number(/^\$2[abxy]\$(\d{2})\$/.exec(like ?? '')?.[1] ?? 10);
      return hash(secret, Math.min(Math.max(rounds, 4), 15));
    }
    case 'argon2': {
      const { hash } = await import('@node-rs/argon2');
      const m = /\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(like ?? '');
      return hash(
        secret,
        m ? { memoryCost: Number(m[1]), timeCost: Number(m[2]), parallelism: Number(m[3]) } : {},
      );
    }
    case 'scrypt': {
      const parts = (like ?? '').split('$');
      if (parts[0] === 'scrypt' && parts.length === 6) {
        return [
          ...parts.slice(0, 4),
          randomBytes(16).toString('base64'),
          randomBytes(32).toString('base64'),
        ].join('$');
      }
      return [
        'scrypt',
        16384,
        8,
        1,
        randomBytes(16).toString('base64'),
        randomBytes(32).toString('base64'),
      ].join('$');
    }
    case 'pbkdf2': {
      const parts = (like ?? '').split('$');
      const scheme = /^pbkdf2_(sha256|sha512|sha1)$/.test(parts[0] ?? '')
        ? parts[0]
        : 'pbkdf2_sha256';
      const rounds = Number(parts[1]) > 0 ? parts[1] : '600000';
      return [
        scheme,
        rounds,
        randomBytes(12).toString('hex'),
        randomBytes(32).toString('base64'),
      ].join('$');
    }
    case 'sha256':
      return randomBytes(32).toString('hex');
  }
}
