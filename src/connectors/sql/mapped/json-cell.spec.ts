import { seededRandom } from '../../../common/seeded-random';
import { parseJsonCell } from './json-cell';

/** What the cell reads as through JSON.parse alone: the value, or the text when it is not JSON. */
function throughJsonParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

describe('parseJsonCell', () => {
  it.each([
    '[]',
    '[""]',
    '["a"]',
    '["a@example.com","A@EXAMPLE.COM"]',
    '[{"key":"Tier","value":"Gold"}]',
    '[{"key":"Tier","value":"Gold"},{"key":"","value":""}]',
    '[{"key":"__proto__","value":"x"}]',
    '["é","😀","\ud800"]',
    // Shapes left to JSON.parse, valid or not.
    '[ ]',
    '[ "a" ]',
    '["a", "b"]',
    '["a\\"b"]',
    '["a\\u0041"]',
    '["tab\there"]',
    '["a",]',
    '["a""b"]',
    '["a","]',
    '["]',
    '[',
    ']',
    '',
    '[1,2]',
    '["a",1]',
    '[["a"]]',
    '[{"key":"k"}]',
    '[{"key":"k","value":1}]',
    '[{"value":"v","key":"k"}]',
    '[{"key":"k","value":"v","x":"y"}]',
    '[{"key":"k","value":"v"},]',
    '[{"key":"k","value":"v"}"]',
    '[{"key":"k","value":"v"},"a"]',
    '["a",{"key":"k","value":"v"}]',
    '{"a":"b"}',
    'null',
    'not json',
  ])('%j reads as JSON.parse reads it', (text) => {
    expect(parseJsonCell(text)).toStrictEqual(throughJsonParse(text));
  });

  it('reads random lists of strings and custom fields as JSON.parse does', () => {
    const random = seededRandom(11);
    const alphabet = [
      'a',
      'Z',
      '0',
      ' ',
      '"',
      '\\',
      ',',
      '[',
      ']',
      '{',
      '}',
      ':',
      '\n',
      'é',
      '\ud83d',
    ];
    const text = () =>
      Array.from(
        { length: Math.floor(random() * 6) },
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join('');
    for (let i = 0; i < 5000; i++) {
      const items = Array.from({ length: Math.floor(random() * 4) }, () =>
        random() < 0.5 ? text() : { key: text(), value: random() < 0.8 ? text() : 7 },
      );
      let json = JSON.stringify(items);
      // Now and then a character removed or doubled: malformed text, as a column may hold.
      if (random() < 0.2 && json.length > 2) {
        const at = Math.floor(random() * json.length);
        json =
          random() < 0.5
            ? json.slice(0, at) + json.slice(at + 1)
            : json.slice(0, at) + json[at] + json.slice(at);
      }
      expect(parseJsonCell(json)).toStrictEqual(throughJsonParse(json));
    }
  });

  it('hands back a value that is not text as it is', () => {
    const value = [{ key: 'k', value: 'v' }];
    expect(parseJsonCell(value)).toBe(value);
    expect(parseJsonCell(null)).toBeNull();
  });
});
