import {
  HttpException,
  NotFoundException,
  ServiceUnavailableException,
  ValidationPipe,
} from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { IsString } from 'class-validator';
import { errorCodes, FastifyReply, FastifyRequest } from 'fastify';
import {
  ActionRejectedError,
  CredentialsRejectedError,
  InvalidPositionError,
  RetryableUpstreamError,
  UpstreamError,
  UpstreamUnavailableError,
} from '../connectors/ports/errors';
import { DeadlineError } from '../common/time-budget';
import {
  ActionInFlightException,
  IdempotencyKeyReusedException,
} from '../idempotency/idempotency.errors';
import { BridgeTokenRequiredException } from '../security/inbound.guard';
import { StoreUnavailableError } from '../store/key-value-store';
import { sendError } from './all-exceptions.filter';
import { BridgeError, ERRORS } from './contract/errors';
import { mapError } from './error-mapping';
import { createValidationPipe } from './validation';

/** What Nest's Fastify adapter makes of a 4xx FastifyError before the filter sees it. */
const asNestDoes = (error: Error & { statusCode?: number }) =>
  new HttpException(error.message, error.statusCode ?? 500, { cause: error });

describe('mapError: the bridge’s own errors', () => {
  it.each(ERRORS.map((entry) => [entry.code, entry.status, entry.message]))(
    'a BridgeError %s is answered %i with its message',
    (code, status, message) => {
      const mapped = mapError(new BridgeError(code as BridgeError['code']));
      expect(mapped).toMatchObject({ code, status, message });
      expect(mapped.unexpected).toBe(code === 'internal_error');
    },
  );

  it.each([
    [
      'ActionRejectedError',
      new ActionRejectedError('Contact 9 was not found'),
      'action_rejected',
      400,
    ],
    [
      'CredentialsRejectedError',
      new CredentialsRejectedError('The external system rejected the credentials (HTTP 401)'),
      'credentials_rejected',
      401,
    ],
    [
      'InvalidPositionError',
      new InvalidPositionError('contact id is not a number'),
      'offset_invalid',
      400,
    ],
    ['UpstreamError', new UpstreamError('The database failed (XX000)'), 'upstream_failed', 502],
    [
      'UpstreamError, a timeout',
      new UpstreamError('The database did not answer in time (57014)', true),
      'upstream_timeout',
      504,
    ],
    [
      'UpstreamError, the budget spent',
      new UpstreamError('request budget spent', true, 'deadline_exceeded'),
      'deadline_exceeded',
      504,
    ],
    [
      'UpstreamError with a code of its own',
      new UpstreamError('The database is busy (SQLITE_BUSY) (gave up)', false, 'upstream_busy'),
      'upstream_busy',
      502,
    ],
    [
      'RetryableUpstreamError',
      new RetryableUpstreamError('connection reset'),
      'upstream_failed',
      502,
    ],
    [
      'RetryableUpstreamError of a 429',
      new RetryableUpstreamError('HTTP 429', 1000, 'upstream_rate_limited'),
      'upstream_rate_limited',
      502,
    ],
    [
      'RetryableUpstreamError of a lost connection',
      new RetryableUpstreamError(
        'The database is unavailable (ECONNREFUSED)',
        undefined,
        'upstream_unreachable',
      ),
      'upstream_unreachable',
      502,
    ],
    [
      'IdempotencyKeyReusedException',
      new IdempotencyKeyReusedException(),
      'idempotency_key_reused',
      422,
    ],
    [
      'StoreUnavailableError',
      new StoreUnavailableError(
        'The idempotency store is unavailable; the action was not run, retry later',
      ),
      'store_unavailable',
      503,
    ],
  ])('%s', (_name, error, code, status) => {
    expect(mapError(error)).toEqual({ code, status, message: error.message, unexpected: false });
  });

  it('UpstreamUnavailableError: 503 with its Retry-After in whole seconds', () => {
    const error = new UpstreamUnavailableError(
      'calls to it are paused by the circuit breaker',
      1200,
    );
    expect(mapError(error)).toEqual({
      code: 'upstream_unavailable',
      status: 503,
      message: error.message,
      unexpected: false,
      headers: { 'retry-after': '2' },
    });
  });

  it('ActionInFlightException: 409 with Retry-After: 1', () => {
    expect(mapError(new ActionInFlightException())).toMatchObject({
      code: 'action_in_flight',
      status: 409,
      headers: { 'retry-after': '1' },
    });
  });

  it('BridgeTokenRequiredException: 401 with the challenge that suits the caller', () => {
    expect(mapError(new BridgeTokenRequiredException(false))).toMatchObject({
      code: 'bridge_token_required',
      status: 401,
      message: 'Missing or wrong bridge token: send it in the X-Bridge-Token header',
      headers: { 'www-authenticate': 'Basic realm="talkdesk-bridge"' },
    });
    expect(mapError(new BridgeTokenRequiredException(true)).headers).toEqual({
      'www-authenticate': 'X-Bridge-Token realm="talkdesk-bridge"',
    });
  });

  describe('the validation pipe', () => {
    class Body {
      @IsString()
      name!: string;
    }
    const pipe: ValidationPipe = createValidationPipe();
    const body = { type: 'body', metatype: Body } as const;

    it('a body that is not an object is body_not_object', async () => {
      const error = await pipe.transform([1], body).catch((e: unknown) => e);
      expect(mapError(error)).toMatchObject({
        code: 'body_not_object',
        status: 400,
        message: 'The request body must be a JSON object',
      });
    });

    it('fields of the wrong type are validation_failed, naming them', async () => {
      const error = await pipe.transform({ name: 7 }, body).catch((e: unknown) => e);
      expect(mapError(error)).toMatchObject({
        code: 'validation_failed',
        status: 400,
        message: 'name must be a string',
      });
    });
  });
});

describe('mapError: errors not ours', () => {
  it("Nest's 404 of an unknown route is route_not_found, with Nest's message", () => {
    expect(mapError(new NotFoundException('Cannot GET /nothing/here'))).toEqual({
      code: 'route_not_found',
      status: 404,
      message: 'Cannot GET /nothing/here',
      unexpected: false,
    });
  });

  it("the throttler's 429 is rate_limited", () => {
    expect(mapError(new ThrottlerException('Too many requests for this account'))).toEqual({
      code: 'rate_limited',
      status: 429,
      message: 'Too many requests for this account',
      unexpected: false,
    });
  });

  it("a failing @nestjs/terminus check is not_ready, with the check's details", () => {
    const result = {
      status: 'error',
      info: { lifecycle: { status: 'up' } },
      error: { external_system: { status: 'down', message: 'unreachable' } },
      details: {
        lifecycle: { status: 'up' },
        external_system: { status: 'down', message: 'unreachable' },
      },
    };
    expect(mapError(new ServiceUnavailableException(result))).toEqual({
      code: 'not_ready',
      status: 503,
      message: 'Not ready: external_system down',
      unexpected: false,
      details: { status: 'error', error: result.error, details: result.details },
    });
  });

  it.each([
    [
      'FST_ERR_CTP_BODY_TOO_LARGE',
      new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE(),
      'body_too_large',
      413,
    ],
    [
      'FST_ERR_CTP_INVALID_MEDIA_TYPE',
      new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(),
      'content_type_unsupported',
      415,
    ],
    [
      'FST_ERR_CTP_EMPTY_JSON_BODY',
      new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY(),
      'body_empty',
      400,
    ],
    [
      'FST_ERR_CTP_INVALID_JSON_BODY',
      new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY(),
      'json_malformed',
      400,
    ],
    [
      'FST_ERR_CTP_INVALID_CONTENT_LENGTH',
      new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH(),
      'content_length_mismatch',
      400,
    ],
  ])("Fastify's %s, as Nest hands it on, keeps Fastify's message", (_name, error, code, status) => {
    expect(mapError(asNestDoes(error))).toEqual({
      code,
      status,
      message: error.message,
      unexpected: false,
    });
    // The same error unwrapped (as Fastify's frameworkErrors hook receives its errors).
    expect(mapError(error)).toMatchObject({ code, status, message: error.message });
  });

  it("the router's FST_ERR_BAD_URL and FST_ERR_MAX_PARAM_LENGTH are url_malformed and url_too_long", () => {
    const badUrl = new errorCodes.FST_ERR_BAD_URL('/actions/%E0%A4%A');
    expect(mapError(badUrl)).toEqual({
      code: 'url_malformed',
      status: 400,
      message: badUrl.message,
      unexpected: false,
    });
    expect(mapError(new errorCodes.FST_ERR_MAX_PARAM_LENGTH('/actions/aaa'))).toMatchObject({
      code: 'url_too_long',
      status: 414,
    });
  });

  it('another client error of the framework is bad_request (400)', () => {
    expect(mapError(new HttpException('Gone', 410))).toEqual({
      code: 'bad_request',
      status: 400,
      message: 'Gone',
      unexpected: false,
    });
    const parserError = Object.assign(new Error('Something about the body'), { statusCode: 400 });
    expect(mapError(parserError)).toMatchObject({ code: 'bad_request', status: 400 });
  });

  it.each([
    ['our DeadlineError', new DeadlineError('The time budget is spent')],
    [
      'fetch’s AbortError',
      Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }),
    ],
    [
      'AbortSignal.timeout’s error',
      Object.assign(new Error('timed out'), { name: 'TimeoutError' }),
    ],
  ])('%s is deadline_exceeded (504)', (_name, error) => {
    expect(mapError(error)).toEqual({
      code: 'deadline_exceeded',
      status: 504,
      message: 'The external system did not answer within the request budget',
      unexpected: false,
    });
  });

  it.each([
    ['an Error', new Error('kaboom: /srv/secret/path')],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a bare string', 'a bare string'],
    ['null', null],
    ["a 5xx of Nest's", new HttpException('Upstream secrets', 500)],
    ['an error with a 5xx statusCode', Object.assign(new Error('inner'), { statusCode: 503 })],
  ])('anything else (%s) is internal_error: 500, logged, its message not sent', (_name, error) => {
    expect(mapError(error)).toEqual({
      code: 'internal_error',
      status: 500,
      message: 'Internal error: the bridge failed to handle this request; quote its request_id',
      unexpected: true,
    });
  });
});

describe('sendError', () => {
  function reply() {
    const sent: { status?: number; headers: Record<string, string>; body?: unknown } = {
      headers: {},
    };
    const fake = {
      sent: false,
      headers(values: Record<string, string>) {
        Object.assign(sent.headers, values);
        return fake;
      },
      header(name: string, value: string) {
        sent.headers[name] = value;
        return fake;
      },
      status(code: number) {
        sent.status = code;
        return fake;
      },
      send(body: unknown) {
        sent.body = body;
        return fake;
      },
    };
    return { fake: fake as unknown as FastifyReply, sent };
  }
  const request = { id: 'req-1' } as FastifyRequest;

  it('answers { code, message, request_id } with the status and headers of the code', () => {
    const { fake, sent } = reply();
    const logger = { error: jest.fn() };
    sendError(new UpstreamUnavailableError('paused', 10_000), request, fake, logger);
    expect(sent).toEqual({
      status: 503,
      headers: { 'retry-after': '10', 'content-type': 'application/json; charset=utf-8' },
      body: { code: 'upstream_unavailable', message: 'paused', request_id: 'req-1' },
    });
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('logs an unexpected error with its stack, and answers without it', () => {
    const { fake, sent } = reply();
    const logger = { error: jest.fn() };
    sendError(new Error('kaboom'), request, fake, logger);
    expect(sent.status).toBe(500);
    expect(sent.body).toEqual({
      code: 'internal_error',
      message: expect.not.stringContaining('kaboom'),
      request_id: 'req-1',
    });
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringMatching(/req-1 failed: Error: kaboom\n\s+at /),
    );
  });
});
