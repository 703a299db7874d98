import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { BridgeError } from '../talkdesk/contract/errors';
import { parseAddressList } from './address-list';
import { BRIDGE_TOKEN_HEADER, BridgeTokenCheck } from './bridge-token';
import { isPublicEndpoint } from './public-endpoint.decorator';

/**
 * 401 for a missing or wrong bridge token; says how to authenticate, never what was sent. The
 * challenge offers basic authentication, except to a caller that sent X-Bridge-Token: a browser
 * (Swagger UI's "Try it out") would otherwise open a login dialog over a wrong header token.
 */
export class BridgeTokenRequiredException extends BridgeError {
  declare readonly responseHeaders: Readonly<Record<string, string>>;

  constructor(sentHeaderToken: boolean) {
    super('bridge_token_required', undefined, {
      responseHeaders: {
        'www-authenticate': sentHeaderToken
          ? 'X-Bridge-Token realm="talkdesk-bridge"'
          : 'Basic realm="talkdesk-bridge"',
      },
    });
  }
}

/**
 * The first gate of every webhook: the caller's address must be in IP_ALLOWLIST (when set), then
 * it must present BRIDGE_TOKEN (when set). The address is Fastify's request.ip, which follows
 * X-Forwarded-For only as far as TRUST_PROXY allows.
 */
@Injectable()
export class InboundGuard implements CanActivate {
  private readonly logger = new Logger('InboundGuard');
  private readonly allowed: ((ip: string) => boolean) | null;
  private readonly token: BridgeTokenCheck | null;

  constructor(
    config: AppConfig,
    private readonly reflector: Reflector,
  ) {
    this.allowed = config.ipAllowlist ? parseAddressList(config.ipAllowlist) : null;
    this.token = config.bridgeToken ? new BridgeTokenCheck(config.bridgeToken) : null;
  }

  canActivate(context: ExecutionContext): boolean {
    if (isPublicEndpoint(this.reflector, context)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (this.allowed && !this.allowed(request.ip)) {
      this.logger.warn(`Refused a call from ${request.ip}: not in IP_ALLOWLIST`);
      throw new BridgeError('address_not_allowed', 'Calls from this address are not allowed');
    }
    if (this.token && !this.token.matches(request.headers)) {
      throw new BridgeTokenRequiredException(request.headers[BRIDGE_TOKEN_HEADER] !== undefined);
    }
    return true;
  }
}
