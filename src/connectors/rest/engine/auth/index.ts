import { CompiledAuthentication } from '../../manifest/compiled';
import { apiKeyAuth } from './api-key';
import { AuthContext, AuthStrategy } from './auth-strategy';
import { basicAuth } from './basic';
import { bearerAuth } from './bearer';
import { noAuth } from './none';
import { sessionAuth } from './session';

export type { AppliedCredentials, AuthContext, AuthStrategy } from './auth-strategy';

/** The strategy of the manifest's `authentication` (one file per `type`). */
export function authStrategyFor(spec: CompiledAuthentication, context: AuthContext): AuthStrategy {
  switch (spec.type) {
    case 'none':
      return noAuth();
    case 'basic':
      return basicAuth(spec);
    case 'bearer':
      return bearerAuth(spec);
    case 'api_key':
      return apiKeyAuth(spec);
    case 'session':
      return sessionAuth(spec, context);
  }
}
