import { toTalkdeskAgent } from './agent-normalizer';

describe('toTalkdeskAgent', () => {
  it('maps a user with an email to an agent with string fields', () => {
    expect(
      toTalkdeskAgent({ id: '341231', name: 'John Doe', email: 'john.doe@example.com' }),
    ).toEqual({ agent: { id: '341231', name: 'John Doe', email: 'john.doe@example.com' } });
  });

  it('turns a numeric id into a string', () => {
    const verdict = toTalkdeskAgent({ id: 341231, name: 'John Doe', email: 'john@example.com' });
    expect(verdict).toEqual({
      agent: { id: '341231', name: 'John Doe', email: 'john@example.com' },
    });
  });

  it('trims the email and writes it in lower case, as Talkdesk matches on it', () => {
    const verdict = toTalkdeskAgent({ id: 1, name: 'John', email: '  John.Doe@Example.COM ' });
    expect(verdict).toEqual({ agent: { id: '1', name: 'John', email: 'john.doe@example.com' } });
  });

  it('names a user without a name after the email', () => {
    expect(toTalkdeskAgent({ id: 1, name: '  ', email: 'jdoe@example.com' })).toEqual({
      agent: { id: '1', name: 'jdoe', email: 'jdoe@example.com' },
    });
    expect(toTalkdeskAgent({ id: 1, email: 'jdoe@example.com' })).toEqual({
      agent: { id: '1', name: 'jdoe', email: 'jdoe@example.com' },
    });
  });

  it.each([
    ['null', null],
    ['absent', undefined],
    ['empty', ''],
    ['blank', '   '],
  ])('skips a user whose email is %s, saying why', (_case, email) => {
    const verdict = toTalkdeskAgent({ id: 7, name: 'No Mail', email });
    expect(verdict).toEqual({ skipped: expect.stringContaining('user 7'), reason: 'no_email' });
    expect('agent' in verdict).toBe(false);
  });

  it.each(['not-an-address', 'john@', '@example.com', 'john doe@example.com'])(
    'skips a user whose email is not an address (%s), without echoing it',
    (email) => {
      const verdict = toTalkdeskAgent({ id: 8, name: 'Bad Mail', email });
      expect('skipped' in verdict && verdict.skipped).toMatch(/user 8 .*not an address/);
      expect('skipped' in verdict && verdict.skipped).not.toContain(email);
      expect('skipped' in verdict && verdict.reason).toBe('invalid_email');
    },
  );

  it.each([
    ['null', null],
    ['empty', ''],
    ['blank', '  '],
  ])('skips a user whose id is %s', (_case, id) => {
    const verdict = toTalkdeskAgent({ id: id as unknown as string, email: 'a@example.com' });
    expect(verdict).toEqual({ skipped: 'no id', reason: 'no_id' });
  });
});
