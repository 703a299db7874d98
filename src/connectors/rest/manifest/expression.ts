import jsonata from 'jsonata';
import { CompiledExpression, compileExpression, DEFERRED } from './expression-compiler';
import { FORBIDDEN_NAMES } from './paths';

export { DEFERRED } from './expression-compiler';

/**
 * JSONata expressions for computed fields (`{ expression: "$join([first_name, last_name], ' ')" }`).
 * JSONata is a query language over JSON without access to the host: no `process`, no files,
 * no prototypes (it ignores `constructor` and `__proto__` lookups). Manifests get a bounded
 * version of it:
 *
 * - at most MAX_EXPRESSION_LENGTH characters;
 * - `$eval` (evaluating text as an expression), the names `__proto__`, `constructor` and
 *   `prototype`, and regular expressions with nested quantifiers (catastrophic backtracking,
 *   which no timer can interrupt) are refused when the manifest is loaded;
 * - each evaluation stops after `timeoutMs`, a stack depth and a sequence length.
 */

export const MAX_EXPRESSION_LENGTH = 2000;
const MAX_STACK = 200;
const MAX_SEQUENCE = 100_000;

export class ExpressionError extends Error {}

/**
 * An evaluation that ran out of its time twice: a fault of the moment (a busy process), not of
 * the record, so a record must never be dropped for it.
 */
export class ExpressionTimeoutError extends ExpressionError {}

/** JSONata's code for an evaluation past its `timeout`. */
const TIMED_OUT = 'D1012';

/** A regex with a quantified group that itself holds a quantifier: `(a+)+`, `(x|y*)*`, `(\d+){2,}`. */
export const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{]/;

function check(node: unknown, source: string): void {
  if (Array.isArray(node)) {
    for (const item of node) check(item, source);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const n = node as Record<string, unknown>;
  if (n.type === 'variable' && n.value === 'eval') {
    throw new ExpressionError(`$eval is not allowed in expressions ("${source}")`);
  }
  if (
    (n.type === 'name' || n.type === 'string') &&
    typeof n.value === 'string' &&
    FORBIDDEN_NAMES.has(n.value)
  ) {
    throw new ExpressionError(`"${n.value}" is not allowed in expressions ("${source}")`);
  }
  if (n.type === 'regex' || n.type === 'regexp') {
    const pattern = n.value instanceof RegExp ? n.value.source : String(n.value);
    if (NESTED_QUANTIFIER.test(pattern)) {
      throw new ExpressionError(
        `the regular expression /${pattern}/ nests quantifiers, which can take exponential time ("${source}")`,
      );
    }
  }
  for (const [key, value] of Object.entries(n)) {
    if (key !== 'value' || typeof value === 'object') check(value, source);
  }
}

export class Expression {
  private readonly compiled: jsonata.Expression;
  /** The same expression as a plain function, when it is of the kinds compiled (expression-compiler.ts). */
  private readonly direct: CompiledExpression | undefined;

  /** Parses and checks `source`; throws ExpressionError saying what is wrong. */
  constructor(
    readonly source: string,
    readonly timeoutMs: number,
  ) {
    if (source.length > MAX_EXPRESSION_LENGTH) {
      throw new ExpressionError(
        `expression of ${source.length} characters: at most ${MAX_EXPRESSION_LENGTH} are allowed`,
      );
    }
    try {
      this.compiled = jsonata(source, {
        timeout: timeoutMs,
        stack: MAX_STACK,
        sequence: MAX_SEQUENCE,
      });
    } catch (error) {
      throw new ExpressionError(
        `JSONata expression "${source}" does not parse: ${describe(error)}`,
      );
    }
    check(this.compiled.ast(), source);
    this.direct = compileExpression(this.compiled.ast());
  }

  /** The parsed expression (JSONata's syntax tree), for the loader's checks. */
  ast(): unknown {
    return this.compiled.ast();
  }

  /**
   * The value of the expression at once, when its compiled form can answer for this input;
   * DEFERRED when JSONata must evaluate it (then `evaluate` gives the value).
   */
  evaluateNow(input: unknown, bindings: Readonly<Record<string, unknown>> = {}): unknown {
    if (this.direct === undefined) return DEFERRED;
    const value = this.direct(input, bindings);
    return value === DEFERRED ? DEFERRED : plain(value);
  }

  /**
   * The value of the expression for `input`, with `bindings` as `$name` variables. Throws
   * ExpressionError (with the reason) when it fails or runs out of time.
   */
  async evaluate(input: unknown, bindings: Record<string, unknown> = {}): Promise<unknown> {
    const now = this.evaluateNow(input, bindings);
    if (now !== DEFERRED) return now;
    let result: unknown;
    for (let attempt = 0; ; attempt++) {
      try {
        result = await this.compiled.evaluate(input, bindings);
        break;
      } catch (error) {
        // The time limit is wall-clock: a pause of the process (GC, a busy core) can trip it,
        // so a time-out is tried once more before it counts.
        const timedOut = (error as { code?: unknown })?.code === TIMED_OUT;
        if (timedOut && attempt === 0) continue;
        const message = `expression "${this.source}" failed: ${describe(error)}`;
        throw timedOut ? new ExpressionTimeoutError(message) : new ExpressionError(message);
      }
    }
    return plain(result);
  }
}

function describe(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' ? e.message : 'unknown error';
  if (e?.code === TIMED_OUT) return `it ran longer than allowed (${message})`;
  return typeof e?.code === 'string' ? `${e.code}: ${message}` : message;
}

const MAX_RESULT_DEPTH = 64;

/** JSON data only: functions (JSONata lambdas included) and other host values become undefined. */
function plain(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return undefined;
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return value;
  if (type !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (v._jsonata_lambda || v._jsonata_function || depth > MAX_RESULT_DEPTH) return undefined;
  if (Array.isArray(value)) {
    const list: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const p = plain(value[i], depth + 1);
      if (p !== undefined) list.push(p);
    }
    return list;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v)) {
    const p = plain(v[key], depth + 1);
    if (p !== undefined && !FORBIDDEN_NAMES.has(key)) out[key] = p;
  }
  return out;
}
