import { CredentialsRejectedError, UpstreamError } from '../../../ports/errors';
import { headerText } from '../http';
import { text } from '../mapper';
import { RestAccount } from '../rest-account';
import { Session } from '../session-store';
import { AuthContext, AuthOf, AuthStrategy, placed, required } from './auth-strategy';

/**
 * `session`: log in once with the `login` request, take the token from its answer, send it
 * with `inject`. Tokens are cached per credentials (the account's credentials hash); a token
 * the upstream refuses is forgotten and the request sent once more after a new login.
 */
export function sessionAuth(spec: AuthOf<'session'>, context: AuthContext): AuthStrategy {
  async function login(account: RestAccount, signal: AbortSignal): Promise<Session> {
    const answer = await context.sendUnauthenticated(
      account,
      spec.login,
      signal,
      'login',
      spec.rejectStatuses,
    );
    if (spec.rejectStatuses.has(answer.status)) {
      throw new CredentialsRejectedError(
        `The external system refused the login (HTTP ${answer.status})`,
      );
    }
    const raw = spec.tokenPath
      ? spec.tokenPath.get(answer.body)
      : headerText(answer.headers[spec.tokenHeader ?? '']);
    const token = text(raw);
    if (!token)
      throw new UpstreamError('The login answer holds no session token where the manifest says');
    account.secrets.add(token);
    const expiresIn = spec.expiresInPath ? Number(spec.expiresInPath.get(answer.body)) : NaN;
    const ttl = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : spec.ttlMs;
    // Renewed a little early, so that a token does not expire on its way.
    return { token, expiresAt: Date.now() + Math.max(1000, ttl - Math.min(30_000, ttl / 10)) };
  }

  return {
    async apply(account, signal) {
      const session = await context.sessions.obtain(account.credentialsKey, () =>
        login(account, signal),
      );
      account.secrets.add(session.token);
      const value = required(
        account,
        'session',
        spec.inject.value.render({ auth: account.auth, session: { token: session.token } }),
      );
      return {
        ...placed(spec.inject.in, spec.inject.name, value),
        renew: () => context.sessions.invalidate(account.credentialsKey, session.token),
      };
    },
  };
}
