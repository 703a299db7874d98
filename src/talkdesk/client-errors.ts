import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import { ErrorCode, errorDefinition } from './contract/errors';

const logger = new Logger('ClientErrors');

/** The code of each failure Node's HTTP parser reports before any request exists. */
function codeOf(error: NodeJS.ErrnoException): ErrorCode {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 'request_timeout';
    case 'HPE_HEADER_OVERFLOW':
      return 'headers_too_large';
    default:
      return 'http_malformed';
  }
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses (malformed framing or header
 * bytes, headers over the size limit, a request that did not arrive in time) is answered in the
 * contract, `{ code, message, request_id }`, as far as the socket still allows, then closed.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code = codeOf(error);
  const { status, message } = errorDefinition(code);
  const requestId = randomUUID();
  logger.debug(
    `client error ${error.code ?? error.message}: answered ${status} ${code} (${requestId})`,
  );
  // A response already under way on this socket cannot be followed by another.
  const pending = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !pending?.headersSent) {
    const body = JSON.stringify({ code, message, request_id: requestId });
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `x-request-id: ${requestId}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy();
}
