/**
 * The secret values of one account's calls (its auth fields, session tokens, the headers built
 * from them), so that whatever leaves the connector (errors, logs, the check tool's output)
 * can be masked. Values shorter than MIN_SECRET_LENGTH are not masked (they would mask every
 * occurrence of common text); the auth field names themselves are what Talkdesk asks the user
 * for, so such short values are not credentials in practice.
 */

const MIN_SECRET_LENGTH = 4;
export const MASK = '[redacted]';

/** Header names whose values are always secret. */
export const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-auth-token',
  'api-key',
  'apikey',
]);

export class Secrets {
  private readonly values = new Set<string>();
  /** The texts added so far (their encodings are in `values`): every request adds them again. */
  private readonly added = new Set<string>();

  constructor(values: Iterable<unknown> = []) {
    for (const value of values) this.add(value);
  }

  /** Every string inside `value` (objects and lists included) becomes secret, with its encodings. */
  add(value: unknown): this {
    if (typeof value === 'string') {
      const text = value.trim();
      if (text.length < MIN_SECRET_LENGTH || this.added.has(text)) return this;
      this.added.add(text);
      this.values.add(text);
      this.values.add(encodeURIComponent(text));
      this.values.add(new URLSearchParams({ v: text }).toString().slice(2));
      this.values.add(Buffer.from(text, 'utf8').toString('base64'));
    } else if (typeof value === 'number' && String(value).length >= 6) {
      this.values.add(String(value));
    } else if (Array.isArray(value)) {
      for (const item of value) this.add(item);
    } else if (typeof value === 'object' && value !== null) {
      for (const item of Object.values(value)) this.add(item);
    }
    return this;
  }

  /** A copy that also holds `more`. */
  with(...more: unknown[]): Secrets {
    const copy = new Secrets();
    for (const v of this.values) copy.values.add(v);
    for (const v of more) copy.add(v);
    return copy;
  }

  /** The text with every secret replaced by [redacted], longest first. */
  mask(text: string): string {
    let out = text;
    const sorted = [...this.values].sort((a, b) => b.length - a.length);
    for (const secret of sorted) {
      if (out.includes(secret)) out = out.split(secret).join(MASK);
    }
    return out;
  }

  /** Headers for display: secret header names wholly masked, the others masked by value. */
  maskHeaders(headers: Record<string, string>): Record<string, string> {
    return Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [
        name,
        SECRET_HEADERS.has(name.toLowerCase()) ? MASK : this.mask(value),
      ]),
    );
  }
}
