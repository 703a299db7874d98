import {
  checkInteractionTypes,
  checkResponse,
  Exchange,
  PaginationGuard,
  UniqueIds,
  ViolationLog,
} from './contract-checks';
import { OpenApiContract } from './openapi-contract';

describe('contract checks', () => {
  const contract = OpenApiContract.fromFile();
  const contacts = { statuses: [200], operation: { path: '/contacts/sync', method: 'post' } };
  const exchange = (over: Partial<Exchange> = {}): Exchange => ({
    status: 200,
    contentType: 'application/json; charset=utf-8',
    text: JSON.stringify({ contacts: [{ id: '1', name: 'Jane' }], context: null }),
    elapsedMs: 3,
    ...over,
  });

  describe('checkResponse', () => {
    it('passes a conforming response and returns its body', () => {
      const checked = checkResponse(exchange(), contacts, contract);
      expect(checked).toEqual({
        body: { contacts: [{ id: '1', name: 'Jane' }], context: null },
        problems: [],
        usable: true,
      });
    });

    it('flags a status the contract does not allow, quoting the body', () => {
      const checked = checkResponse(
        exchange({ status: 500, text: '{"code":"internal_error","message":"boom"}' }),
        contacts,
        contract,
      );
      expect(checked.usable).toBe(false);
      expect(checked.problems).toEqual([
        {
          check: 'status',
          message: 'status 500, expected 200: {"code":"internal_error","message":"boom"}',
        },
      ]);
    });

    it('flags a body that is not labelled application/json, but still reads it', () => {
      const checked = checkResponse(exchange({ contentType: 'text/plain' }), contacts, contract);
      expect(checked.problems).toEqual([
        {
          check: 'content-type',
          message: 'Content-Type is text/plain, expected application/json',
        },
      ]);
      expect(checked.usable).toBe(true);
      expect(
        checkResponse(exchange({ contentType: undefined }), contacts, contract).problems,
      ).toHaveLength(1);
      expect(
        checkResponse(exchange({ contentType: 'application/jsonx' }), contacts, contract).problems,
      ).toHaveLength(1);
    });

    it('flags a body that is not JSON, or missing', () => {
      const broken = checkResponse(exchange({ text: '<html>' }), contacts, contract);
      expect(broken.usable).toBe(false);
      expect(broken.problems[0]).toEqual({
        check: 'json',
        message: 'the body is not JSON: <html>',
      });
      const empty = checkResponse(exchange({ text: '' }), contacts, contract);
      expect(empty.problems).toEqual([{ check: 'json', message: 'status 200 with an empty body' }]);
    });

    it('flags schema violations one by one', () => {
      const checked = checkResponse(
        exchange({ text: JSON.stringify({ contacts: [{ id: 1 }], context: null }) }),
        contacts,
        contract,
      );
      expect(checked.problems.map((p) => p.check)).toEqual(['schema', 'schema']);
      expect(checked.usable).toBe(true);
    });

    it('wants no body on 204', () => {
      const auth = { statuses: [204, 200], operation: { path: '/auth/validate', method: 'post' } };
      expect(checkResponse(exchange({ status: 204, text: '' }), auth, contract).problems).toEqual(
        [],
      );
      expect(checkResponse(exchange({ status: 204, text: '{}' }), auth, contract).problems).toEqual(
        [{ check: 'status', message: '204 with a body' }],
      );
    });
  });

  it('UniqueIds answers the page an id was first seen on', () => {
    const ids = new UniqueIds();
    expect(ids.add('1', 1)).toBeUndefined();
    expect(ids.add('2', 2)).toBeUndefined();
    expect(ids.add('1', 3)).toBe(1);
    expect(ids.size).toBe(2);
  });

  describe('PaginationGuard', () => {
    it('stops a run that follows the same next_offset twice', () => {
      const guard = new PaginationGuard(100);
      expect(guard.follow('a', 1)).toBeUndefined();
      expect(guard.follow('b', 2)).toBeUndefined();
      expect(guard.follow('a', 3)).toEqual({
        check: 'pagination',
        message: 'next_offset "a" on page 3 was already followed in this run: the pagination loops',
      });
    });

    it('tells integer and string offsets apart', () => {
      const guard = new PaginationGuard(100);
      expect(guard.follow(5, 1)).toBeUndefined();
      expect(guard.follow('5', 2)).toBeUndefined();
    });

    it('stops a run at the page cap', () => {
      const guard = new PaginationGuard(3);
      expect(guard.follow(1, 1)).toBeUndefined();
      expect(guard.follow(2, 2)).toBeUndefined();
      expect(guard.follow(3, 3)?.message).toMatch(/after 3 pages/);
    });
  });

  it('checkInteractionTypes flags types that were not requested', () => {
    expect(
      checkInteractionTypes(
        [
          { id: '1', type: 'ticket' },
          { id: '2', type: 'call' },
        ],
        ['ticket', 'note'],
      ),
    ).toEqual([
      {
        check: 'interaction-type',
        message: 'interaction "2" has type "call", not one of the requested ["ticket","note"]',
      },
    ]);
  });

  it('ViolationLog counts everything and keeps a bounded number of examples', () => {
    const log = new ViolationLog(2);
    for (let i = 0; i < 5; i += 1) {
      log.add({ phase: 'agents', request: `#${i}`, check: 'schema', message: 'x' });
    }
    log.add({ phase: 'agents', request: '#5', check: 'unique-id', message: 'y' });
    log.add({ phase: 'auth', request: '#1', check: 'status', message: 'z' });
    expect(log.count).toBe(7);
    expect(log.countFor('agents')).toBe(6);
    expect(log.examples.map((v) => v.request)).toEqual(['#0', '#1', '#5', '#1']);
    expect(log.summary()).toEqual([
      { phase: 'agents', check: 'schema', count: 5 },
      { phase: 'agents', check: 'unique-id', count: 1 },
      { phase: 'auth', check: 'status', count: 1 },
    ]);
  });
});
