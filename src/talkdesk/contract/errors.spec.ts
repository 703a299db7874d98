import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BridgeError, ERROR_CODES, ERRORS, errorDefinition, isErrorCode } from './errors';

describe('the error codes table', () => {
  it('answers every code with a 4xx or 5xx status', () => {
    for (const { code, status } of ERRORS) {
      expect({ code, status }).toEqual({ code, status: expect.any(Number) });
      expect(Number.isInteger(status) && status >= 400 && status <= 599).toBe(true);
    }
  });

  it('has snake_case codes, each once', () => {
    for (const code of ERROR_CODES) expect(code).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    expect(ERROR_CODES).toHaveLength(ERRORS.length);
  });

  it('gives every code a default message', () => {
    for (const { message } of ERRORS) expect(message.trim().length).toBeGreaterThan(0);
  });

  it('maps only unexpected failures to a 500', () => {
    expect(ERRORS.filter((entry) => entry.status === 500).map((entry) => entry.code)).toEqual([
      'internal_error',
    ]);
  });

  it('tells its codes from other strings', () => {
    expect(isErrorCode('offset_unreadable')).toBe(true);
    expect(isErrorCode('FST_ERR_BAD_URL')).toBe(false);
    expect(isErrorCode(404)).toBe(false);
  });
});

describe('BridgeError', () => {
  it('carries its code, the status of the code and the message given', () => {
    const error = new BridgeError('offset_unreadable', 'meta.offset is garbage');
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      code: 'offset_unreadable',
      status: 400,
      message: 'meta.offset is garbage',
      name: 'BridgeError',
    });
    expect(error.responseHeaders).toBeUndefined();
  });

  it("falls back to the table's message, and keeps a cause and response headers", () => {
    const cause = new Error('inner');
    const error = new BridgeError('action_in_flight', undefined, {
      cause,
      responseHeaders: { 'retry-after': '1' },
    });
    expect(error.message).toBe(errorDefinition('action_in_flight').message);
    expect(error.status).toBe(409);
    expect(error.cause).toBe(cause);
    expect(error.responseHeaders).toEqual({ 'retry-after': '1' });
    expect('cause' in new BridgeError('internal_error')).toBe(false);
  });

  it('names a subclass after itself', () => {
    class OddError extends BridgeError {}
    expect(new OddError('bad_request').name).toBe('OddError');
  });
});

describe('docs/errors.md', () => {
  const doc = readFileSync(join(__dirname, '../../../docs/errors.md'), 'utf8');
  /** The rows of its table of codes: | `code` | status | when | */
  const rows = [...doc.matchAll(/^\|\s*`([^`]+)`\s*\|\s*(\d{3})\s*\|\s*(.*?)\s*\|\s*$/gm)].map(
    ([, code, status, when]) => ({ code, status: Number(status), when }),
  );

  it('lists every code of the table with its status, and no other code', () => {
    expect(rows.map((row) => row.code).sort()).toEqual([...ERROR_CODES].sort());
    for (const row of rows) {
      expect({ code: row.code, status: row.status }).toEqual({
        code: row.code,
        status: isErrorCode(row.code) ? errorDefinition(row.code).status : 'not a code',
      });
    }
  });

  it('lists each code once and says when it happens', () => {
    expect(new Set(rows.map((row) => row.code)).size).toBe(rows.length);
    for (const row of rows) expect(row.when.length).toBeGreaterThan(10);
  });
});
