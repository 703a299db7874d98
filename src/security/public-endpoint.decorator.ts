import { applyDecorators, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

const PUBLIC_ENDPOINT = 'bridge:public-endpoint';

/**
 * Leaves a controller (or handler) outside the inbound protection: no bridge token, no IP
 * allow-list, no rate limit. For health probes and the integration configuration; every other
 * endpoint is protected unless it says so.
 */
export const PublicEndpoint = () => applyDecorators(SetMetadata(PUBLIC_ENDPOINT, true));

export function isPublicEndpoint(reflector: Reflector, context: ExecutionContext): boolean {
  return (
    reflector.getAllAndOverride<boolean>(PUBLIC_ENDPOINT, [
      context.getHandler(),
      context.getClass(),
    ]) === true
  );
}
