import { Server } from 'node:http';
import { AppConfig } from '../config/app-config';

/** The settings of the HTTP server that bound what one client can hold. */
export type HttpLimits = Pick<
  AppConfig,
  | 'httpHeadersTimeoutMs'
  | 'httpRequestTimeoutMs'
  | 'httpKeepAliveTimeoutMs'
  | 'httpMaxRequestsPerSocket'
  | 'httpMaxConnections'
>;

/** How often Node looks for requests past their timeouts (its default is 30 s). */
const checkEveryMs = (limits: HttpLimits) =>
  Math.max(10, Math.min(1000, Math.floor(limits.httpHeadersTimeoutMs / 2)));

/**
 * Node's server options: headers must arrive within HTTP_HEADERS_TIMEOUT_MS and the whole request
 * (headers and body) within HTTP_REQUEST_TIMEOUT_MS of the connection's first byte, so a client
 * that sends headers and then a body that never ends is answered 408 and disconnected instead of
 * holding a socket and its memory. Node checks the timeouts on a timer, set well under them.
 */
export function nodeServerOptions(limits: HttpLimits) {
  return {
    headersTimeout: limits.httpHeadersTimeoutMs,
    requestTimeout: limits.httpRequestTimeoutMs,
    connectionsCheckingInterval: checkEveryMs(limits),
    // Node answers an HTTP/1.1 request without Host with a bodiless 400 of its own, outside the
    // contract; the bridge reads nothing from Host, so such a request is served like any other.
    requireHostHeader: false,
  };
}

/** Fastify's options for the same limits (Fastify sets these on the server it creates). */
export function fastifyServerOptions(limits: HttpLimits) {
  return {
    requestTimeout: limits.httpRequestTimeoutMs,
    keepAliveTimeout: limits.httpKeepAliveTimeoutMs,
    maxRequestsPerSocket: limits.httpMaxRequestsPerSocket,
  };
}

/**
 * At most HTTP_MAX_CONNECTIONS open connections: beyond, Node closes new ones at once, so that
 * a flood of connections runs into this cap rather than the process's file descriptors and
 * memory limit. The timeouts free the slots of slow clients.
 */
export function capConnections(server: Server, limits: HttpLimits): void {
  if (limits.httpMaxConnections > 0) server.maxConnections = limits.httpMaxConnections;
}
