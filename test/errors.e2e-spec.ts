import { MappedContactsAdapter } from '../src/connectors/sql/mapped/mapped-adapters';
import { expectError, expectJson } from './support/talkdesk';
import { DEMO, useTestApp } from './support/test-app';

describe('errors', () => {
  const LIMIT = 2048;
  const t = useTestApp({ bodyLimitBytes: LIMIT });

  const raw = (payload: string, contentType = 'application/json', url = '/contacts/sync') =>
    t.inject({ method: 'POST', url, headers: { 'content-type': contentType }, payload });

  it('answers malformed JSON with 400 JSON carrying message and request_id', async () => {
    for (const payload of ['{"auth":', '{auth: 1}', "{'auth': {}}"]) {
      const res = await raw(payload);
      expectError(res, 400);
      expect(res.body.code).toBe('json_malformed');
      expect(res.body.message).toMatch(/JSON/);
    }
  });

  it('never repeats the body of a malformed or mistyped request', async () => {
    const secret = 'Leaky-Secret-123';
    const truncated = await raw(`{"auth":{"username":"demo@example.com","password":"${secret}"`);
    expectError(truncated, 400);
    expect(truncated.body.code).toBe('json_malformed');
    expect(truncated.payload).not.toContain(secret);
    const mistyped = await t.post('/contacts/sync', { auth: secret, meta: { offset: [secret] } });
    expectError(mistyped, 400);
    expect(mistyped.body.code).toBe('validation_failed');
    expect(mistyped.payload).not.toContain(secret);
  });

  it('accepts application/json with a charset', async () => {
    const res = await raw(JSON.stringify({ auth: DEMO }), 'application/json; charset=utf-8');
    expect(res.status).toBe(200);
    expectJson(res);
  });

  it('answers an empty JSON body with 400 JSON', async () => {
    const res = await raw('');
    expectError(res, 400);
    expect(res.body.code).toBe('body_empty');
  });

  it('answers wrong field types with 400 naming every field', async () => {
    const res = await t.post('/contacts/sync', {
      auth: 'demo:demo',
      meta: { offset: true, synchronization_checkpoint: 7 },
    });
    expectError(res, 400);
    expect(res.body.code).toBe('validation_failed');
    for (const field of ['auth', 'meta.offset', 'meta.synchronization_checkpoint']) {
      expect(res.body.message).toContain(field);
    }
  });

  it('answers a body that is not a JSON object (an array, a string, a number) with 400', async () => {
    for (const payload of ['[{"auth":{}}]', '"auth"', '42', 'null']) {
      const res = await raw(payload);
      expectError(res, 400);
      expect(res.body.code).toBe('body_not_object');
    }
    const res = await raw(JSON.stringify([DEMO]));
    expect(res.body.code).toBe('body_not_object');
    expect(res.body.message).toMatch(/object/);
  });

  it('answers a body over BODY_LIMIT_BYTES with 413 JSON', async () => {
    const body = JSON.stringify({ auth: DEMO, meta: { context: 'x'.repeat(LIMIT) } });
    expect(body.length).toBeGreaterThan(LIMIT);
    const res = await raw(body);
    expectError(res, 413);
    expect(res.body.code).toBe('body_too_large');
    // Just under the limit is fine.
    const small = JSON.stringify({ auth: DEMO, meta: { context: 'x'.repeat(LIMIT - 200) } });
    expect(small.length).toBeLessThanOrEqual(LIMIT);
    expect((await raw(small)).status).toBe(200);
  });

  it('answers a text/plain body with 415 JSON', async () => {
    const res = await raw(JSON.stringify({ auth: DEMO }), 'text/plain');
    expectError(res, 415);
    expect(res.body.code).toBe('content_type_unsupported');
  });

  it('refuses a form-encoded body with 415 JSON', async () => {
    const res = await raw('auth=demo', 'application/x-www-form-urlencoded');
    expectError(res, 415);
    expect(res.body.code).toBe('content_type_unsupported');
  });

  it('answers an unknown route with 404 JSON', async () => {
    for (const res of [
      await t.post('/contacts/unknown', { auth: DEMO }),
      await t.get('/nothing/here'),
    ]) {
      expectError(res, 404);
      expect(res.body.code).toBe('route_not_found');
    }
  });

  it('answers a known path with the wrong method with 404 JSON', async () => {
    const res = await t.get('/contacts/sync');
    expectError(res, 404);
    expect(res.body.code).toBe('route_not_found');
  });

  it('answers a URL that cannot be decoded with 400, an over-long path parameter with 414, as JSON', async () => {
    const malformed = await t.post(
      '/actions/%E0%A4%A',
      { auth: DEMO },
      { 'x-request-id': 'bad-url-1' },
    );
    expectError(malformed, 400);
    expect(malformed.body.code).toBe('url_malformed');
    expect(malformed.body.request_id).toBe('bad-url-1');
    expect(malformed.headers['x-request-id']).toBe('bad-url-1');
    const long = await t.post(`/actions/${'a'.repeat(200)}`, { auth: DEMO });
    expectError(long, 414);
    expect(long.body.code).toBe('url_too_long');
    expect(long.body.request_id).toBe(long.headers['x-request-id']);
  });

  it('echoes a sane x-request-id in the header and the error body', async () => {
    const res = await t.post(
      '/contacts/unknown',
      { auth: DEMO },
      { 'x-request-id': 'td-req.42_A' },
    );
    expectError(res, 404);
    expect(res.body.code).toBe('route_not_found');
    expect(res.headers['x-request-id']).toBe('td-req.42_A');
    expect(res.body.request_id).toBe('td-req.42_A');
    const ok = await t.get('/health/live', { 'x-request-id': 'live-check-1' });
    expect(ok.headers['x-request-id']).toBe('live-check-1');
  });

  it('replaces an unusable x-request-id with a fresh one, and gives one when none is sent', async () => {
    const odd = await t.post('/contacts/unknown', {}, { 'x-request-id': 'has spaces; and <tags>' });
    expect(odd.headers['x-request-id']).not.toBe('has spaces; and <tags>');
    expect(odd.body.request_id).toBe(odd.headers['x-request-id']);
    const none = await t.post('/contacts/unknown', {});
    expect(typeof none.headers['x-request-id']).toBe('string');
    expect(none.body.request_id).toBe(none.headers['x-request-id']);
    const again = await t.post('/contacts/unknown', {});
    expect(again.body.request_id).not.toBe(none.body.request_id);
  });

  it('answers an unexpected failure with 500 JSON carrying request_id and no stack trace', async () => {
    const contacts = t.app.get(MappedContactsAdapter);
    const failure = new Error('kaboom: internal detail /srv/secret/path');
    const spy = jest.spyOn(contacts, 'listContacts').mockRejectedValueOnce(failure);
    try {
      const res = await t.post('/contacts/sync', { auth: DEMO }, { 'x-request-id': 'boom-1' });
      expectError(res, 500);
      expect(Object.keys(res.body).sort()).toEqual(['code', 'message', 'request_id']);
      expect(res.body.code).toBe('internal_error');
      expect(res.body.request_id).toBe('boom-1');
      expect(res.payload).not.toContain('kaboom');
      expect(res.payload).not.toContain('/srv/secret/path');
      expect(res.payload).not.toMatch(/\bat .+:\d+:\d+/);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
    // Only that request failed.
    expect((await t.post('/contacts/sync', { auth: DEMO })).status).toBe(200);
  });

  it('answers a non-Error thrown value with 500 JSON too', async () => {
    const contacts = t.app.get(MappedContactsAdapter);
    const spy = jest
      .spyOn(contacts, 'listContacts')
      .mockImplementationOnce(() => Promise.reject('a bare string'));
    try {
      const res = await t.post('/contacts/sync', { auth: DEMO });
      expectError(res, 500);
      expect(res.body.code).toBe('internal_error');
      expect(res.payload).not.toContain('a bare string');
    } finally {
      spy.mockRestore();
    }
  });

  it('answers every webhook error as application/json', async () => {
    for (const url of [
      '/auth/validate',
      '/contacts/sync',
      '/agents/sync',
      '/interactions/retrieve',
      '/actions/create_ticket',
    ]) {
      const res = await t.post(url, { auth: 'nope' });
      expectJson(res);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    }
  });
});
