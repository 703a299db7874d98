import { createHmac, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { canonicalJson } from '../common/canonical-json';
import type { CredentialsPort } from '../connectors/ports';

/**
 * Who a request counts against: the account, as an HMAC of its identity (the adapter's
 * CredentialsPort.identityOf, e.g. the normalized username: a new password, a changed case or
 * an extra field is the same account), of its canonical `auth` when the adapter names no
 * identity (never the credentials themselves), or the caller's address when the body carries
 * no `auth`. The HMAC key
 * is a random salt; with Redis it is created once in Redis (SET NX) so every replica counts the
 * same account under the same name.
 */
/** Identities whose names are remembered; cleared when full (a few accounts make most requests). */
const MAX_NAMES = 10_000;

export class RateLimitTracker {
  private salt: Promise<Buffer> | null = null;
  private readonly localSalt = randomBytes(32);
  /** Names of the identities seen lately, under the salt they were made with. */
  private readonly names = new Map<string, string>();
  private namedWith: Buffer | null = null;

  constructor(
    private readonly redis: Redis | null,
    private readonly saltKey: string,
    private readonly credentials?: Pick<CredentialsPort, 'identityOf'>,
  ) {}

  async track(request: { body?: unknown; ip?: string }): Promise<string> {
    const body = request.body as { auth?: unknown } | undefined;
    const auth = body && typeof body === 'object' ? body.auth : undefined;
    if (!auth || typeof auth !== 'object' || Array.isArray(auth)) return `ip:${request.ip ?? ''}`;
    const key = await this.key();
    const identity = this.credentials?.identityOf(auth as Record<string, unknown>);
    if (identity === undefined) return this.name(key, canonicalJson(auth));
    // An identity names no secret, so its name may be remembered (the canonical auth may not).
    if (key !== this.namedWith) {
      this.names.clear();
      this.namedWith = key;
    }
    let name = this.names.get(identity);
    if (name === undefined) {
      if (this.names.size >= MAX_NAMES) this.names.clear();
      name = this.name(key, `identity:${identity}`);
      this.names.set(identity, name);
    }
    return name;
  }

  private name(key: Buffer, named: string): string {
    return `account:${createHmac('sha256', key).update(named).digest('base64url')}`;
  }

  private async key(): Promise<Buffer> {
    if (!this.redis) return this.localSalt;
    this.salt ??= this.sharedSalt(this.redis);
    try {
      return await this.salt;
    } catch {
      // Redis is down: its counters are too, so any salt will do until it is back.
      this.salt = null;
      return this.localSalt;
    }
  }

  private async sharedSalt(redis: Redis): Promise<Buffer> {
    await redis.set(this.saltKey, randomBytes(32).toString('base64'), 'NX');
    const salt = await redis.get(this.saltKey);
    if (!salt) throw new Error('the rate-limit salt vanished');
    return Buffer.from(salt, 'base64');
  }
}
