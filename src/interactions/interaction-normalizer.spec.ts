import { PRIORITIES, STATUSES } from '../talkdesk/contract/interactions';
import { toIsoDate, toPriority, toStatus, toTalkdeskInteraction } from './interaction-normalizer';

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('toPriority', () => {
  it.each(PRIORITIES.map((p) => [p]))('keeps Talkdesk’s own %s', (priority) => {
    expect(toPriority(priority)).toBe(priority);
  });

  it.each([
    ['HIGH', 'high'],
    [' Urgent ', 'urgent'],
    ['medium', 'normal'],
    ['Moderate', 'normal'],
    ['minor', 'low'],
    ['Lowest', 'low'],
    ['P1', 'urgent'],
    ['p2', 'high'],
    ['critical', 'urgent'],
    ['Blocker', 'urgent'],
    ['major', 'high'],
  ])('reads the synonym %p as %p', (value, priority) => {
    expect(toPriority(value)).toBe(priority);
  });

  it.each([['whatever'], ['9'], [''], ['   '], [null], [undefined]])(
    'reads the unknown value %p as none',
    (value) => {
      expect(toPriority(value)).toBe('none');
    },
  );
});

describe('toStatus', () => {
  it.each(STATUSES.map((s) => [s]))('keeps Talkdesk’s own %s', (status) => {
    expect(toStatus(status)).toBe(status);
  });

  it.each([
    ['OPEN', 'open'],
    ['In Progress', 'open'],
    ['in_progress', 'open'],
    ['in-progress', 'open'],
    ['on hold', 'pending'],
    ['Waiting', 'pending'],
    ['resolved', 'solved'],
    ['Done', 'solved'],
    ['archived', 'closed'],
    ['Cancelled', 'closed'],
    ['created', 'new'],
  ])('reads the synonym %p as %p', (value, status) => {
    expect(toStatus(value)).toBe(status);
  });

  it.each([['whatever'], [''], [null], [undefined]])(
    'reads the unknown value %p as open',
    (value) => {
      expect(toStatus(value)).toBe('open');
    },
  );
});

describe('toIsoDate', () => {
  const instant = Date.UTC(2026, 0, 5, 10, 20, 30);

  it('writes a Date in ISO 8601 (UTC)', () => {
    expect(toIsoDate(new Date(instant))).toBe('2026-01-05T10:20:30.000Z');
  });

  it('writes epoch milliseconds in ISO 8601 (UTC)', () => {
    expect(toIsoDate(instant)).toBe('2026-01-05T10:20:30.000Z');
  });

  it.each([
    ['2026-01-05T10:20:30Z'],
    ['2026-01-05T11:20:30+01:00'],
    ['Mon, 05 Jan 2026 10:20:30 GMT'],
  ])('writes the date string %p in ISO 8601 (UTC)', (value) => {
    expect(toIsoDate(value)).toBe('2026-01-05T10:20:30.000Z');
  });

  it.each([['not a date'], [''], [Number.NaN], [new Date('nope')]])(
    'gives null for %p, which is no date',
    (value) => {
      expect(toIsoDate(value)).toBeNull();
    },
  );
});

describe('toTalkdeskInteraction', () => {
  it('maps a record to Talkdesk’s fields, within Talkdesk’s enumerations', () => {
    const interaction = toTalkdeskInteraction({
      id: 17,
      type: 'ticket',
      subject: ' Cannot log in ',
      description: 'Since the update.',
      date: Date.UTC(2026, 0, 5),
      url: ' https://crm.example.com/tickets/17 ',
      priority: 'Critical',
      status: 'In progress',
    });

    expect(interaction).toEqual({
      id: '17',
      type: 'ticket',
      subject: 'Cannot log in',
      description: 'Since the update.',
      date: '2026-01-05T00:00:00.000Z',
      url: 'https://crm.example.com/tickets/17',
      priority: 'urgent',
      status: 'open',
    });
    expect(interaction?.date).toMatch(ISO_8601);
  });

  it('fills the mandatory texts and enumerations when the record has none, and leaves out an empty url', () => {
    const interaction = toTalkdeskInteraction({
      id: 'n-1',
      type: 'note',
      date: '2026-01-05T00:00:00Z',
      url: '  ',
    });

    expect(interaction).toEqual({
      id: 'n-1',
      type: 'note',
      subject: '',
      description: '',
      date: '2026-01-05T00:00:00.000Z',
      priority: 'none',
      status: 'open',
    });
  });

  it('gives null for a record with an invalid date', () => {
    expect(toTalkdeskInteraction({ id: 1, type: 'ticket', date: 'yesterday-ish' })).toBeNull();
  });

  it('gives null for a record without an id', () => {
    expect(
      toTalkdeskInteraction({ id: null as unknown as string, type: 'ticket', date: Date.now() }),
    ).toBeNull();
  });
});
