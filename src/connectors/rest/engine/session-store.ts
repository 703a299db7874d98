/**
 * Session tokens obtained by logging in, cached per credentials: the key is a hash of one
 * account's `auth` fields, so a token is never used for another account (nor for the same
 * account after its credentials changed). Concurrent requests of one account share one login.
 */

const MAX_SESSIONS = 10_000;

export interface Session {
  token: string;
  expiresAt: number;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly logins = new Map<string, Promise<Session>>();

  /** A valid cached token, or a fresh one from `login` (one login at a time per key). */
  async obtain(key: string, login: () => Promise<Session>): Promise<Session> {
    const cached = this.sessions.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached;
    if (cached) this.sessions.delete(key);
    let pending = this.logins.get(key);
    if (!pending) {
      pending = login().then(
        (session) => {
          this.logins.delete(key);
          this.sessions.set(key, session);
          if (this.sessions.size > MAX_SESSIONS) {
            this.sessions.delete(this.sessions.keys().next().value as string);
          }
          return session;
        },
        (error: unknown) => {
          this.logins.delete(key);
          throw error;
        },
      );
      this.logins.set(key, pending);
    }
    return pending;
  }

  /** Forgets the token when it is still the one that was refused. */
  invalidate(key: string, token: string): void {
    if (this.sessions.get(key)?.token === token) this.sessions.delete(key);
  }

  get size(): number {
    return this.sessions.size;
  }

  clear(): void {
    this.sessions.clear();
  }
}
