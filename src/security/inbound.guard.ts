import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  Logger,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { WithResponseHeaders } from '../talkdesk/all-exceptions.filter';
import { parseAddressList } from './address-list';
import { BridgeTokenCheck } from './bridge-token';
import { isPublicEndpoint } from './public-endpoint.decorator';

/** 401 for a missing or wrong bridge token; says how to authenticate, never what was sent. */
export class BridgeTokenRequiredException
  extends UnauthorizedException
  implements WithResponseHeaders
{
  readonly responseHeaders = { 'www-authenticate': 'Basic realm="talkdesk-bridge"' };

  constructor() {
    super('Missing or wrong bridge token: send it in the X-Bridge-Token header');
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
      throw new ForbiddenException('Calls from this address are not allowed');
    }
    if (this.token && !this.token.matches(request.headers)) {
      throw new BridgeTokenRequiredException();
    }
    return true;
  }
}
