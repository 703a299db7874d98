import { AuthOf, AuthStrategy, required } from './auth-strategy';

/** `basic`: HTTP Basic authentication (RFC 7617) from the `username` and `password` templates. */
export const basicAuth = (spec: AuthOf<'basic'>): AuthStrategy => ({
  apply(account) {
    const scope = { auth: account.auth };
    const user = required(account, 'basic authentication', spec.username.render(scope));
    const password = required(account, 'basic authentication', spec.password.render(scope));
    const value = Buffer.from(`${user}:${password}`, 'utf8').toString('base64');
    account.secrets.add(value);
    return Promise.resolve({ headers: { authorization: `Basic ${value}` }, query: {} });
  },
});
