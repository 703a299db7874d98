import { AuthStrategy, NO_CREDENTIALS } from './auth-strategy';

/** `none`: requests carry no credentials. */
export const noAuth = (): AuthStrategy => ({ apply: () => Promise.resolve(NO_CREDENTIALS) });
