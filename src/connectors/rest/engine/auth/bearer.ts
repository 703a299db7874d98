import { AuthOf, AuthStrategy, placed, required } from './auth-strategy';

/** `bearer`: a token in a header (`Authorization: Bearer <token>` by default). */
export const bearerAuth = (spec: AuthOf<'bearer'>): AuthStrategy => ({
  apply(account) {
    const token = required(account, 'bearer token', spec.token.render({ auth: account.auth }));
    return Promise.resolve(
      placed('header', spec.header, spec.prefix ? `${spec.prefix} ${token}` : token),
    );
  },
});
