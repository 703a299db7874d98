import { TOKEN_VERSION } from '../talkdesk/contract/tokens';
import {
  decodeCheckpoint,
  decodeContext,
  decodeOffset,
  encodeCheckpoint,
  encodeContext,
  encodeOffset,
  SyncRun,
} from './contact-sync-tokens';
import { TEST_TOKENS } from '../../test/support/test-service';
import { seededRandom } from '../common/seeded-random';

const position = { updatedAt: 1767960000123, id: '42' };
/** A checkpoint: the position, and the instant its run read up to. */
const checkpointAt = { ...position, readTo: 1767960060000 };
/** A token signed for the test account whose body is `json`. */
const raw = (json: string) => TEST_TOKENS.seal(Buffer.from(json, 'utf8').toString('base64url'));
const decoders = { decodeOffset, decodeCheckpoint, decodeContext };

describe('contact sync tokens', () => {
  describe('round trip', () => {
    it('an offset decodes to the position it was made from', () => {
      expect(decodeOffset(TEST_TOKENS, encodeOffset(TEST_TOKENS, position))).toEqual(position);
    });

    it('a checkpoint decodes to the position and the read instant it was made from', () => {
      expect(decodeCheckpoint(TEST_TOKENS, encodeCheckpoint(TEST_TOKENS, checkpointAt))).toEqual(
        checkpointAt,
      );
    });

    it('a checkpoint as 0.2.0 issued it (a position only) stays readable: read up to its position', () => {
      const v = TOKEN_VERSION;
      const old = raw(`{"k":"contacts.checkpoint","v":${v},"at":{"u":1767960000123,"i":"42"}}`);
      expect(encodeCheckpoint(TEST_TOKENS, position)).toBe(old);
      expect(decodeCheckpoint(TEST_TOKENS, old)).toEqual({
        ...position,
        readTo: position.updatedAt,
      });
    });

    it('a checkpoint whose read instant is not a number is unreadable', () => {
      const v = TOKEN_VERSION;
      for (const r of ['"1"', 'null', '[]', '{}']) {
        const token = raw(`{"k":"contacts.checkpoint","v":${v},"at":{"u":1,"i":"1"},"r":${r}}`);
        expect(decodeCheckpoint(TEST_TOKENS, token)).toBeNull();
      }
    });

    it.each<[string, SyncRun]>([
      ['a full run', { until: 1767960000000 }],
      ['an incremental run', { until: 1767960000000, checkpoint: checkpointAt }],
      [
        'an incremental run with a look-back window',
        { until: 1767960000000, since: 1767959970000, checkpoint: checkpointAt },
      ],
      ['a run that lost its context', { until: 1767960000000, readTo: 1767959000000 }],
    ])('a context of %s decodes to that run', (_case, run) => {
      expect(decodeContext(TEST_TOKENS, encodeContext(TEST_TOKENS, run))).toEqual(run);
    });

    it('keeps ids of any characters intact', () => {
      const odd = { updatedAt: 0, id: 'ä/"\\ 💡 <id>' };
      expect(decodeOffset(TEST_TOKENS, encodeOffset(TEST_TOKENS, odd))).toEqual(odd);
    });
  });

  describe('opaque and versioned', () => {
    it('tokens are URL-safe text that does not show the position in clear', () => {
      for (const token of [
        encodeOffset(TEST_TOKENS, position),
        encodeCheckpoint(TEST_TOKENS, position),
        encodeContext(TEST_TOKENS, { until: position.updatedAt, checkpoint: checkpointAt }),
      ]) {
        expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
        expect(token).not.toContain(String(position.updatedAt));
      }
    });

    it('tokens carry their kind and the current version', () => {
      const json = (token: string) =>
        JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'));
      expect(json(encodeOffset(TEST_TOKENS, position))).toMatchObject({
        k: 'contacts.offset',
        v: TOKEN_VERSION,
      });
      expect(json(encodeCheckpoint(TEST_TOKENS, position))).toMatchObject({
        k: 'contacts.checkpoint',
        v: TOKEN_VERSION,
      });
      expect(json(encodeContext(TEST_TOKENS, { until: 1 }))).toMatchObject({
        k: 'contacts.context',
        v: TOKEN_VERSION,
      });
    });
  });

  describe('unreadable tokens are null', () => {
    it('a token of another kind: a checkpoint used as offset, and every other mix-up', () => {
      const offset = encodeOffset(TEST_TOKENS, position);
      const checkpoint = encodeCheckpoint(TEST_TOKENS, position);
      const context = encodeContext(TEST_TOKENS, { until: 1, checkpoint: checkpointAt });

      expect(decodeOffset(TEST_TOKENS, checkpoint)).toBeNull();
      expect(decodeOffset(TEST_TOKENS, context)).toBeNull();
      expect(decodeCheckpoint(TEST_TOKENS, offset)).toBeNull();
      expect(decodeCheckpoint(TEST_TOKENS, context)).toBeNull();
      expect(decodeContext(TEST_TOKENS, offset)).toBeNull();
      expect(decodeContext(TEST_TOKENS, checkpoint)).toBeNull();
    });

    it('a token of another kind, even one carrying the payload this kind expects', () => {
      const wire = JSON.stringify({ u: 1, i: '1' });
      const v = TOKEN_VERSION;

      expect(
        decodeOffset(TEST_TOKENS, raw(`{"k":"contacts.checkpoint","v":${v},"after":${wire}}`)),
      ).toBeNull();
      expect(
        decodeOffset(TEST_TOKENS, raw(`{"k":"agents.offset","v":${v},"after":${wire}}`)),
      ).toBeNull();
      expect(
        decodeCheckpoint(TEST_TOKENS, raw(`{"k":"contacts.offset","v":${v},"at":${wire}}`)),
      ).toBeNull();
      expect(
        decodeContext(TEST_TOKENS, raw(`{"k":"contacts.offset","v":${v},"until":1}`)),
      ).toBeNull();
      // The same payloads with the right kind are readable.
      expect(
        decodeOffset(TEST_TOKENS, raw(`{"k":"contacts.offset","v":${v},"after":${wire}}`)),
      ).toEqual({
        updatedAt: 1,
        id: '1',
      });
      expect(
        decodeCheckpoint(TEST_TOKENS, raw(`{"k":"contacts.checkpoint","v":${v},"at":${wire}}`)),
      ).toEqual({
        updatedAt: 1,
        id: '1',
        readTo: 1,
      });
      expect(
        decodeContext(TEST_TOKENS, raw(`{"k":"contacts.context","v":${v},"until":1}`)),
      ).toEqual({
        until: 1,
      });
    });

    it.each([0, 2, TOKEN_VERSION + 1, '1', null])('a token of another version (%p)', (v) => {
      const after = JSON.stringify({ u: 1, i: '1' });
      expect(
        decodeOffset(
          TEST_TOKENS,
          raw(`{"k":"contacts.offset","v":${JSON.stringify(v)},"after":${after}}`),
        ),
      ).toBeNull();
      expect(
        decodeCheckpoint(
          TEST_TOKENS,
          raw(`{"k":"contacts.checkpoint","v":${JSON.stringify(v)},"at":${after}}`),
        ),
      ).toBeNull();
      expect(
        decodeContext(
          TEST_TOKENS,
          raw(`{"k":"contacts.context","v":${JSON.stringify(v)},"until":1}`),
        ),
      ).toBeNull();
    });

    it.each([
      ['an empty string', ''],
      ['a date, as another bridge would send', '2012-11-20 23:01:00 UTC'],
      ['a page number', '2'],
      ['characters outside base64url', 'eyJrIjoiY29udGFjdHMub2Zmc2V0In0='],
      ['base64url of text that is no JSON', raw('not json at all')],
      ['base64url of a JSON array', raw('["contacts.offset",1]')],
      ['base64url of a JSON string', raw('"contacts.offset"')],
      ['base64url of JSON null', raw('null')],
      ['base64url of a JSON number', raw('12')],
      ['the right kind without a version', raw('{"k":"contacts.offset","after":{"u":1,"i":"1"}}')],
      ['no position', raw(`{"k":"contacts.offset","v":${TOKEN_VERSION}}`)],
      [
        'a position with a text time',
        raw(`{"k":"contacts.offset","v":${TOKEN_VERSION},"after":{"u":"1","i":"1"}}`),
      ],
      [
        'a position with an empty id',
        raw(`{"k":"contacts.offset","v":${TOKEN_VERSION},"after":{"u":1,"i":""}}`),
      ],
      [
        'a position with a numeric id',
        raw(`{"k":"contacts.offset","v":${TOKEN_VERSION},"after":{"u":1,"i":1}}`),
      ],
    ])('garbage: %s', (_case, token) => {
      expect(decodeOffset(TEST_TOKENS, token)).toBeNull();
      expect(decodeCheckpoint(TEST_TOKENS, token)).toBeNull();
      expect(decodeContext(TEST_TOKENS, token)).toBeNull();
    });

    it.each([
      ['no until', raw(`{"k":"contacts.context","v":${TOKEN_VERSION}}`)],
      ['a text until', raw(`{"k":"contacts.context","v":${TOKEN_VERSION},"until":"1"}`)],
      ['a text since', raw(`{"k":"contacts.context","v":${TOKEN_VERSION},"until":1,"since":"0"}`)],
      [
        'a broken checkpoint',
        raw(`{"k":"contacts.context","v":${TOKEN_VERSION},"until":1,"checkpoint":{"u":1}}`),
      ],
    ])('a context with %s', (_case, token) => {
      expect(decodeContext(TEST_TOKENS, token)).toBeNull();
    });

    it('a token too long to be one of ours, while a long id under the limit still decodes', () => {
      const short = encodeOffset(TEST_TOKENS, { updatedAt: 1, id: 'x'.repeat(2000) });
      const long = encodeOffset(TEST_TOKENS, { updatedAt: 1, id: 'x'.repeat(4000) });

      expect(short.length).toBeLessThanOrEqual(4096);
      expect(decodeOffset(TEST_TOKENS, short)).toEqual({ updatedAt: 1, id: 'x'.repeat(2000) });
      expect(long.length).toBeGreaterThan(4096);
      expect(decodeOffset(TEST_TOKENS, long)).toBeNull();
    });

    it.each([
      ['a number', 2],
      ['null', null],
      ['undefined', undefined],
      ['an object', { after: { u: 1, i: '1' } }],
      ['an array', [encodeOffset(TEST_TOKENS, position)]],
      ['a boolean', true],
    ])('a value that is not a string: %s', (_case, value) => {
      expect(decodeOffset(TEST_TOKENS, value)).toBeNull();
      expect(decodeCheckpoint(TEST_TOKENS, value)).toBeNull();
      expect(decodeContext(TEST_TOKENS, value)).toBeNull();
    });
  });

  describe('decoding is safe on any input', () => {
    afterEach(() => {
      // In case a test did pollute it, do not let it leak into others.
      delete (Object.prototype as Record<string, unknown>).polluted;
    });

    it('never throws, whatever the text', () => {
      const next = seededRandom(20260110);
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=.{}":, ';
      const valid = [
        encodeOffset(TEST_TOKENS, position),
        encodeCheckpoint(TEST_TOKENS, position),
        encodeContext(TEST_TOKENS, { until: 1 }),
      ];
      const inputs: string[] = [];
      for (let n = 0; n < 1000; n++) {
        const length = Math.floor(next() * 120);
        let text = '';
        for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)];
        inputs.push(text);
        inputs.push(raw(text));
        inputs.push(
          Buffer.from(Array.from({ length }, () => Math.floor(next() * 256))).toString('base64url'),
        );
        // A valid token with one character changed or cut short.
        const token = valid[n % valid.length];
        const at = Math.floor(next() * token.length);
        inputs.push(token.slice(0, at) + alphabet[Math.floor(next() * 64)] + token.slice(at + 1));
        inputs.push(token.slice(0, at));
      }
      const thrown: string[] = [];
      for (const input of inputs) {
        for (const decode of Object.values(decoders)) {
          try {
            decode(TEST_TOKENS, input);
          } catch {
            thrown.push(input);
          }
        }
      }
      expect(inputs.length).toBe(5000);
      expect(thrown).toEqual([]);
    });

    it.each([
      [
        'at the top level',
        `{"k":"contacts.offset","v":${TOKEN_VERSION},"__proto__":{"polluted":"yes"},"after":{"u":1,"i":"1"}}`,
      ],
      [
        'inside the position',
        `{"k":"contacts.offset","v":${TOKEN_VERSION},"after":{"u":1,"i":"1","__proto__":{"polluted":"yes"}}}`,
      ],
      [
        'as constructor.prototype',
        `{"k":"contacts.offset","v":${TOKEN_VERSION},"constructor":{"prototype":{"polluted":"yes"}},"after":{"u":1,"i":"1"}}`,
      ],
    ])('never pollutes Object.prototype: "__proto__" %s', (_case, json) => {
      const decoded = decodeOffset(TEST_TOKENS, raw(json));

      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
      expect(decoded).toEqual({ updatedAt: 1, id: '1' });
      expect(Object.keys(decoded ?? {}).sort()).toEqual(['id', 'updatedAt']);
      expect((decoded as unknown as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('never pollutes Object.prototype through a context', () => {
      const json = `{"k":"contacts.context","v":${TOKEN_VERSION},"until":5,"__proto__":{"polluted":"yes"},"checkpoint":{"u":1,"i":"1","__proto__":{"polluted":"yes"}}}`;

      const decoded = decodeContext(TEST_TOKENS, raw(json));

      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(decoded).toEqual({ until: 5, checkpoint: { updatedAt: 1, id: '1', readTo: 1 } });
      expect((decoded as unknown as Record<string, unknown>).polluted).toBeUndefined();
    });
  });
});
