import { OpenApiContract } from './openapi-contract';

describe('OpenApiContract (the committed spec)', () => {
  const contract = OpenApiContract.fromFile();
  const page = (contacts: unknown[], extra: Record<string, unknown> = {}) => ({
    contacts,
    context: null,
    ...extra,
  });

  it('accepts a contact page that follows the spec', () => {
    const body = page(
      [
        {
          id: '1',
          name: 'Jane Doe',
          emails: ['jane@example.com'],
          custom_fields: [{ key: 'Tier', value: 'Gold' }],
        },
      ],
      { next_offset: 'abc', synchronization_checkpoint: 'cp' },
    );
    expect(contract.validate('/contacts/sync', 'post', 200, body)).toEqual([]);
  });

  it('names the field and the rule that a contact breaks', () => {
    expect(contract.validate('/contacts/sync', 'post', 200, page([{ id: 7, name: 'x' }]))).toEqual([
      'contacts/0/id must be string',
    ]);
    expect(
      contract.validate('/contacts/sync', 'post', 200, page([{ id: '7', emails: 'a@b.c' }])),
    ).toEqual(["contacts/0 must have required property 'name'", 'contacts/0/emails must be array']);
  });

  it('follows $refs into components.schemas (custom fields of a contact)', () => {
    const body = page([{ id: '1', name: 'x', custom_fields: [{ key: 'Tier' }] }]);
    expect(contract.validate('/contacts/sync', 'post', 200, body)).toEqual([
      "contacts/0/custom_fields/0 must have required property 'value'",
    ]);
  });

  it("lets context be any JSON value, as Talkdesk's contract does", () => {
    for (const context of [null, 'token', { page: 2 }, [1, 2], 3]) {
      expect(contract.validate('/contacts/sync', 'post', 200, { contacts: [], context })).toEqual(
        [],
      );
    }
    expect(contract.validate('/contacts/sync', 'post', 200, { contacts: [] })).toEqual([]);
  });

  it('checks integer agent offsets and string agent ids', () => {
    expect(
      contract.validate('/agents/sync', 'post', 200, {
        agents: [{ id: 341231, name: 'John', email: 'john@example.com' }],
        next_offset: '6',
      }),
    ).toEqual(['agents/0/id must be string', 'next_offset must be integer']);
  });

  it('checks enumerations and ISO 8601 dates of interactions', () => {
    const interaction = {
      id: '17',
      type: 'ticket',
      subject: 's',
      description: 'd',
      date: '2026-01-05T10:20:30.000Z',
      priority: 'normal',
      status: 'open',
    };
    expect(contract.validate('/interactions/retrieve', 'post', 200, [interaction])).toEqual([]);
    const problems = contract.validate('/interactions/retrieve', 'post', 200, [
      { ...interaction, status: 'resolved', priority: 'medium', date: 'last Tuesday' },
    ]);
    expect(problems).toEqual([
      '0/date must match format "date-time"',
      '0/priority must be equal to one of the allowed values ["none","low","normal","high","urgent"]',
      '0/status must be equal to one of the allowed values ["new","open","pending","solved","closed"]',
    ]);
  });

  it('checks error bodies and the inline schema of authorization validation', () => {
    const rejected = { code: 'credentials_rejected', message: 'no' };
    expect(contract.validate('/auth/validate', 'post', 401, rejected)).toEqual([]);
    expect(
      contract.validate('/auth/validate', 'post', 401, {
        code: 'credentials_rejected',
        error: 'no',
      }),
    ).toEqual(["(body) must have required property 'message'"]);
    expect(contract.validate('/auth/validate', 'post', 401, { message: 'no' })).toEqual([
      "(body) must have required property 'code'",
    ]);
    expect(
      contract.validate('/auth/validate', 'post', 401, { code: 'FST_ERR_BAD_URL', message: 'no' }),
    ).toEqual([expect.stringMatching(/^code must be equal to one of the allowed values \[/)]);
    expect(contract.validate('/auth/validate', 'post', 200, ['a'])).toEqual([
      '(body) must be object',
    ]);
    expect(contract.validate('/auth/validate', 'post', 204, undefined)).toEqual([]);
  });

  it('caps the number of lines for a badly broken body', () => {
    const contacts = Array.from({ length: 50 }, (_, i) => ({ id: i, name: 'x' }));
    const problems = contract.validate('/contacts/sync', 'post', 200, page(contacts), 5);
    expect(problems).toHaveLength(6);
    expect(problems[5]).toBe('... and 45 more schema errors');
  });

  it('lists the statuses of an operation and refuses one the spec lacks', () => {
    expect(contract.statuses('/contacts/sync', 'post')).toEqual(
      expect.arrayContaining(['200', '400', '401']),
    );
    expect(() => contract.validate('/nowhere', 'post', 200, {})).toThrow(/no operation/);
  });
});
