import fc from 'fast-check';
import { getPath, JsonPath, parsePath, PathError } from './paths';
import { Template, TemplateError } from './template';

describe('paths', () => {
  const data = {
    user: { emails: [{ address: 'a@x' }, { address: 'b@x' }], 'odd.key': 1 },
    list: [1, 2],
  };

  it('reads dotted paths, indexes, quoted keys and wildcards', () => {
    expect(new JsonPath('user.emails[1].address').get(data)).toBe('b@x');
    expect(new JsonPath('user.emails.0.address').get(data)).toBe('a@x');
    expect(new JsonPath('user["odd.key"]').get(data)).toBe(1);
    expect(new JsonPath('user.emails.*.address').get(data)).toEqual(['a@x', 'b@x']);
    expect(new JsonPath('$').get(data)).toBe(data);
    expect(new JsonPath('').get(data.list)).toEqual([1, 2]);
    expect(new JsonPath('user.missing.deeper').get(data)).toBeUndefined();
  });

  it('refuses prototype names and malformed paths when parsed', () => {
    for (const path of ['__proto__', 'a.constructor', 'a["prototype"]', 'a[constructor]']) {
      expect(() => parsePath(path)).toThrow(PathError);
    }
    for (const path of ['a..b', 'a.', 'a[', 'a b', 'a[x y]']) {
      expect(() => parsePath(path)).toThrow(PathError);
    }
  });

  it('reads own properties only, never inherited ones', () => {
    expect(new JsonPath('toString').get({})).toBeUndefined();
    expect(new JsonPath('hasOwnProperty').get({ a: 1 })).toBeUndefined();
    expect(new JsonPath('length').get('text')).toBeUndefined();
    expect(new JsonPath('a.length').get({ a: [1, 2] })).toBeUndefined();
    const parsed = JSON.parse('{"__proto__": {"polluted": true}}');
    expect(new JsonPath('polluted').get(parsed)).toBeUndefined();
  });
});

describe('templates', () => {
  const scope = {
    auth: { subdomain: 'acme', email: 'Jane@Example.com', tags: ['a', 'b'] },
    data: { count: 3, nested: { x: 1 } },
  };

  it('substitutes placeholders, with filters', () => {
    const t = new Template('https://{{ auth.subdomain }}.example.com/{{ auth.email | lower }}', [
      'auth',
    ]);
    expect(t.render(scope).text).toBe('https://acme.example.com/jane@example.com');
    expect(new Template('{{ auth.tags | join("|") }}', ['auth']).render(scope).text).toBe('a|b');
    expect(new Template('{{ data.missing | default("none") }}', ['data']).render(scope).text).toBe(
      'none',
    );
    expect(new Template('{{ auth.email | base64 }}', ['auth']).render(scope).text).toBe(
      Buffer.from('Jane@Example.com').toString('base64'),
    );
    expect(new Template('+1 (206) 555-0142', []).render({}).text).toBe('+1 (206) 555-0142');
  });

  it('keeps the type of a lone placeholder, and says when a value is missing', () => {
    expect(new Template('{{ data.count }}', ['data']).value(scope)).toBe(3);
    expect(new Template('{{ data.nested }}', ['data']).value(scope)).toEqual({ x: 1 });
    expect(new Template('{{ data.nope }}', ['data']).value(scope)).toBeUndefined();
    expect(new Template('id-{{ data.nope }}', ['data']).render(scope)).toEqual({
      text: 'id-',
      missing: true,
    });
  });

  it('percent-encodes placeholder values where asked, so a value cannot change the URL', () => {
    const t = new Template('https://{{ auth.subdomain }}.example.com/x', ['auth']);
    const { text } = t.render({ auth: { subdomain: 'evil.test/steal?' } }, encodeURIComponent);
    expect(text).toBe('https://evil.test%2Fsteal%3F.example.com/x');
    expect(() => new URL(text)).toThrow();
  });

  it('refuses roots the place does not allow, unknown filters and prototype paths', () => {
    expect(() => new Template('{{ process.env.HOME }}', ['auth'])).toThrow(TemplateError);
    expect(() => new Template('{{ auth.constructor }}', ['auth'])).toThrow(/not allowed/);
    expect(() => new Template('{{ auth.__proto__.x }}', ['auth'])).toThrow(/not allowed/);
    expect(() => new Template('{{ auth.x | exec }}', ['auth'])).toThrow(/unknown filter/);
    expect(() => new Template('{{ auth.x | join }}', ['auth'])).toThrow(/needs an argument/);
    expect(() => new Template('{{ auth.x', ['auth'])).toThrow(/without "}}"/);
    expect(() => new Template('{{ }}', ['auth'])).toThrow(/empty placeholder/);
  });

  it('never reads inherited members through a template', () => {
    const t = new Template('{{ auth.toString }}{{ auth.valueOf }}', ['auth']);
    expect(t.render({ auth: {} })).toEqual({ text: '', missing: true });
  });
});

describe('typed filters', () => {
  const value = (text: string, scope: Record<string, unknown>) =>
    new Template(text, ['meta']).value(scope);

  it('give a single placeholder its JSON type for request bodies', () => {
    expect(value('{{ meta.id | integer }}', { meta: { id: '42' } })).toBe(42);
    expect(value('{{ meta.id | integer }}', { meta: { id: 42 } })).toBe(42);
    expect(value('{{ meta.n | number }}', { meta: { n: '2.5' } })).toBe(2.5);
    expect(value('{{ meta.b | boolean }}', { meta: { b: 'TRUE' } })).toBe(true);
    expect(value('{{ meta.b | boolean }}', { meta: { b: false } })).toBe(false);
  });

  it('leave a value that is not of the type missing, never a wrong value', () => {
    expect(value('{{ meta.id | integer }}', { meta: { id: '42abc' } })).toBeUndefined();
    expect(value('{{ meta.id | integer }}', { meta: { id: '4.2' } })).toBeUndefined();
    expect(
      value('{{ meta.id | integer }}', { meta: { id: '99999999999999999999' } }),
    ).toBeUndefined();
    expect(value('{{ meta.n | number }}', { meta: { n: '' } })).toBeUndefined();
    expect(value('{{ meta.b | boolean }}', { meta: { b: 'yes' } })).toBeUndefined();
    expect(value('{{ meta.id | integer }}', { meta: {} })).toBeUndefined();
  });
});

describe('a template of a record', () => {
  it('reads the record beside the other roots as it reads { ...context, record }', () => {
    const sources = [
      'https://{{ auth.subdomain }}.example/customers/{{ record.id }}',
      '{{ record.id }}',
      '{{ record }}',
      '{{ record.tags.* | join(",") }}',
      '{{ record.tags[0] | upper }}-{{ auth.subdomain | default("none") }}',
      '{{ auth.subdomain }}',
      '{{ record.nested.record }}',
      'plain text',
    ];
    const templates = sources.map((source) => new Template(source, ['auth', 'record']));
    const value = fc.oneof(
      fc.constantFrom(undefined, null, '', 'a b', 7, true, [], ['x', 'y'], { record: 'inner' }),
      fc.string({ maxLength: 5 }),
    );
    const record = fc.oneof(
      value,
      fc.record(
        {
          id: value,
          tags: fc.oneof(value, fc.array(value, { maxLength: 3 })),
          nested: fc.oneof(value, fc.record({ record: value })),
        },
        { requiredKeys: [] },
      ),
    );
    const context = fc.record(
      { auth: fc.oneof(value, fc.record({ subdomain: value })), record: value },
      { requiredKeys: ['auth'] },
    );
    fc.assert(
      fc.property(fc.constantFrom(...templates), context, record, (template, ctx, rec) => {
        expect(template.valueOfRecord(ctx, rec)).toEqual(template.value({ ...ctx, record: rec }));
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('a path of names', () => {
  it('reads what the general path reader reads', () => {
    const sources = ['a', 'a.b', 'a.b.c', 'b.a', '', 'hasOwnProperty', 'a.length', 'a.toString'];
    const paths = sources.map((source) => new JsonPath(source));
    const leaf = fc.constantFrom(undefined, null, '', 0, 'x', [], ['y'], true);
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.dictionary(fc.constantFrom('a', 'b', 'c', 'length'), tie('node'), { maxKeys: 3 }),
        fc.array(tie('node'), { maxLength: 2 }),
      ),
    })).node;
    fc.assert(
      fc.property(fc.constantFrom(...paths), value, (path, data) => {
        expect(path.get(data)).toEqual(getPath(data, path.segments));
      }),
      { numRuns: 20_000 },
    );
  });
});
