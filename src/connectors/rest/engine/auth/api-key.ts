import { AuthOf, AuthStrategy, placed, required } from './auth-strategy';

/** `api_key`: a key in a header or a query parameter. */
export const apiKeyAuth = (spec: AuthOf<'api_key'>): AuthStrategy => ({
  apply(account) {
    const key = required(account, 'API key', spec.value.render({ auth: account.auth }));
    return Promise.resolve(placed(spec.in, spec.name, key));
  },
});
