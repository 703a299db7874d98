import { ContactRecord } from '../connectors/ports';
import { toTalkdeskContact } from './contact-normalizer';

const record = (fields: Partial<ContactRecord>): ContactRecord => ({
  id: '1',
  updatedAt: 0,
  ...fields,
});

describe('toTalkdeskContact', () => {
  describe('phones', () => {
    it('writes national numbers in E.164 with the default region US', () => {
      const contact = toTalkdeskContact(record({ phones: ['(212) 555-0134'] }), 'US');
      expect(contact?.phones).toEqual(['+12125550134']);
    });

    it('writes national numbers in E.164 with the default region GB', () => {
      const contact = toTalkdeskContact(record({ phones: ['020 7946 0958'] }), 'GB');
      expect(contact?.phones).toEqual(['+442079460958']);
    });

    it('counts the phones sent: normalized to E.164 or kept unparsed, duplicates once', () => {
      const stats = { normalized: 0, unparsed: 0 };
      toTalkdeskContact(
        record({ phones: ['(212) 555-0134', '+1 212 555 0134', 'call me', '', 'call me'] }),
        'US',
        stats,
      );
      toTalkdeskContact(record({ phones: ['+44 20 7946 0958'] }), 'US', stats);
      expect(stats).toEqual({ normalized: 2, unparsed: 1 });
    });

    it('reads the same digits differently under another default region', () => {
      const us = toTalkdeskContact(record({ phones: ['212 555 0134'] }), 'US');
      const gb = toTalkdeskContact(record({ phones: ['020 7946 0958'] }), 'US');
      expect(us?.phones).toEqual(['+12125550134']);
      // Not a possible US number: kept as written.
      expect(gb?.phones).toEqual(['020 7946 0958']);
    });

    it('keeps a number with its own country code whatever the default region', () => {
      const contact = toTalkdeskContact(record({ phones: ['+44 20 7946 0958'] }), 'US');
      expect(contact?.phones).toEqual(['+442079460958']);
    });

    it('keeps an unparseable phone as given (trimmed), never drops it', () => {
      const contact = toTalkdeskContact(record({ phones: ['  ext 123 ', 'call reception'] }), 'US');
      expect(contact?.phones).toEqual(['ext 123', 'call reception']);
    });

    it('removes duplicate phones once normalized', () => {
      const contact = toTalkdeskContact(
        record({ phones: ['(212) 555-0134', '+1 212 555 0134', '212.555.0134', '+12125550199'] }),
        'US',
      );
      expect(contact?.phones).toEqual(['+12125550134', '+12125550199']);
    });
  });

  describe('emails', () => {
    it('removes duplicate emails regardless of case, keeping the first as written', () => {
      const contact = toTalkdeskContact(
        record({
          emails: ['Jane@Example.com', 'jane@example.com', ' JANE@EXAMPLE.COM ', 'j@x.io'],
        }),
        'US',
      );
      expect(contact?.emails).toEqual(['Jane@Example.com', 'j@x.io']);
    });

    it('keeps a single email as written, blanks before it left out', () => {
      const contact = toTalkdeskContact(record({ emails: ['  ', ' Jane@Example.COM '] }), 'US');
      expect(contact?.emails).toEqual(['Jane@Example.COM']);
    });

    it('removes duplicates regardless of case in long lists too', () => {
      const emails = Array.from({ length: 30 }, (_, i) => `User${i % 12}@Example.com`);
      emails.splice(5, 0, '', 'user3@EXAMPLE.COM');
      const contact = toTalkdeskContact(record({ emails }), 'US');
      expect(contact?.emails).toEqual(Array.from({ length: 12 }, (_, i) => `User${i}@Example.com`));
    });
  });

  describe('empty values', () => {
    it('removes empty strings everywhere and leaves out empty fields', () => {
      const contact = toTalkdeskContact(
        record({
          id: '7',
          name: 'Jane Doe',
          title: '',
          company: '   ',
          emails: ['', '  ', null, 'jane@example.com'],
          phones: ['', null, ' '],
          websites: ['', 'www.example.com', '  '],
          photoUrl: '',
          address: ' ',
          twitter: '',
          url: null,
          customFields: [
            { key: '', value: 'orphan' },
            { key: 'Tier', value: 'Gold' },
            { key: 'Empty', value: null },
          ],
        }),
        'US',
      );

      expect(contact).toEqual({
        id: '7',
        name: 'Jane Doe',
        emails: ['jane@example.com'],
        websites: ['www.example.com'],
        custom_fields: [{ key: 'Tier', value: 'Gold' }],
      });
    });

    it('leaves no field holding an empty string or an empty list', () => {
      const contact = toTalkdeskContact(
        record({ name: 'A', emails: [], phones: null, websites: [''], customFields: [] }),
        'US',
      );
      for (const value of Object.values(contact ?? {})) {
        expect(value).not.toEqual('');
        expect(value).not.toEqual([]);
      }
      expect(Object.keys(contact ?? {}).sort()).toEqual(['id', 'name']);
    });
  });

  describe('ids', () => {
    it('turns a numeric id into a string', () => {
      const contact = toTalkdeskContact(
        { ...record({ name: 'Jane' }), id: 42 as unknown as string },
        'US',
      );
      expect(contact?.id).toBe('42');
    });

    it.each([
      ['missing', undefined],
      ['null', null],
      ['empty', ''],
      ['blank', '   '],
    ])('a record whose id is %s gives null', (_case, id) => {
      expect(
        toTalkdeskContact({ ...record({ name: 'Jane' }), id: id as unknown as string }, 'US'),
      ).toBeNull();
    });
  });

  describe('name fallback', () => {
    it('uses the name when there is one (trimmed)', () => {
      expect(toTalkdeskContact(record({ name: '  Jane Doe ' }), 'US')?.name).toBe('Jane Doe');
    });

    it('falls back to the first email, then the first phone, then the company, then the id', () => {
      const base = { name: '  ', company: 'Example Corp.' };
      expect(
        toTalkdeskContact(
          record({ ...base, emails: ['', 'jane@example.com'], phones: ['212 555 0134'] }),
          'US',
        )?.name,
      ).toBe('jane@example.com');
      expect(toTalkdeskContact(record({ ...base, phones: ['212 555 0134'] }), 'US')?.name).toBe(
        '+12125550134',
      );
      expect(toTalkdeskContact(record({ ...base }), 'US')?.name).toBe('Example Corp.');
      expect(toTalkdeskContact(record({ id: '9', name: null }), 'US')?.name).toBe('Contact 9');
    });
  });

  it('maps every field to Talkdesk’s keys', () => {
    const contact = toTalkdeskContact(
      record({
        id: '1',
        name: 'Jane Doe',
        title: 'CTO',
        company: 'Example Corp.',
        emails: ['jane@example.com'],
        phones: ['+15555555555'],
        websites: ['www.example.com'],
        photoUrl: 'http://example.com/users/1/photo',
        address: '37, Famous St., New York, US',
        twitter: 'jane_doe',
        url: 'http://example.com/users/1/',
        customFields: [
          { key: 'Tier', value: 'Gold' },
          { key: 'Seats', value: 12 },
          { key: 'Tags', value: ['a', 'b'] },
        ],
      }),
      'US',
    );

    expect(contact).toEqual({
      id: '1',
      name: 'Jane Doe',
      title: 'CTO',
      company: 'Example Corp.',
      emails: ['jane@example.com'],
      phones: ['+15555555555'],
      websites: ['www.example.com'],
      photo_url: 'http://example.com/users/1/photo',
      address: '37, Famous St., New York, US',
      twitter: 'jane_doe',
      url: 'http://example.com/users/1/',
      custom_fields: [
        { key: 'Tier', value: 'Gold' },
        { key: 'Seats', value: '12' },
        { key: 'Tags', value: '["a","b"]' },
      ],
    });
  });
  describe('lists that are clean already', () => {
    const json = (fields: Partial<ContactRecord>) =>
      JSON.stringify(toTalkdeskContact(record(fields), 'US'));

    it('hands on a clean list of emails, websites or custom fields as it is, without a copy', () => {
      const emails = ['jane@example.com'];
      const websites = ['www.example.com', 'example.org'];
      const customFields = [
        { key: 'Tier', value: 'Gold' },
        { key: 'Region', value: 'EMEA' },
      ];
      const contact = toTalkdeskContact(record({ emails, websites, customFields }), 'US');

      expect(contact?.emails).toBe(emails);
      expect(contact?.websites).toBe(websites);
      expect(contact?.custom_fields).toBe(customFields);
      expect(JSON.stringify(contact?.custom_fields)).toBe(
        '[{"key":"Tier","value":"Gold"},{"key":"Region","value":"EMEA"}]',
      );
    });

    it('still cleans a list that is not: blanks, spaces, duplicates, two emails in other case', () => {
      expect(json({ websites: ['a.com', ' b.com', 'a.com', ''] })).toBe(
        '{"id":"1","name":"Contact 1","websites":["a.com","b.com"]}',
      );
      expect(json({ emails: ['a@x.com', 'A@X.com'] })).toBe(
        '{"id":"1","name":"a@x.com","emails":["a@x.com"]}',
      );
    });

    it('writes custom fields of any other shape as {key, value} of texts, in that order', () => {
      const fields = [
        { value: 'Gold', key: 'Tier' },
        { key: 'Seats', value: '12', note: 'extra' },
        { key: ' Region ', value: 'EMEA' },
        { key: 'Count', value: 3 },
        { key: '', value: 'dropped' },
      ];

      expect(json({ customFields: fields })).toBe(
        '{"id":"1","name":"Contact 1","custom_fields":[{"key":"Tier","value":"Gold"},{"key":"Seats","value":"12"},{"key":"Region","value":"EMEA"},{"key":"Count","value":"3"}]}',
      );
    });
  });
});
