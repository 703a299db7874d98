/**
 * The JSONata expressions manifests use most (paths, literals, `&` concatenations, `$join`,
 * `$append`, array and object constructors, conditions) compiled to plain synchronous
 * functions that answer what JSONata answers, without its asynchronous evaluation node by node
 * (a promise per node, which costs tens of microseconds a record).
 *
 * Only what is certain is compiled: an expression with any other construct is not compiled at
 * all, and a compiled function answers DEFERRED, handing the evaluation back to JSONata, whenever
 * it meets data outside the cases it mirrors exactly: a record that is an array, an array in the
 * middle of a path, a non-string operand of `&` or `$join`, a list or object as a condition, a
 * list long enough for JSONata's sequence limit to matter, or a binding that shadows a function.
 * Errors are JSONata's own: the compiled functions never throw, they defer.
 * expression-compiler.spec.ts checks the answers against JSONata's on generated records.
 */

/** A compiled function's answer when JSONata must evaluate instead. */
export const DEFERRED: unique symbol = Symbol('deferred');

export type CompiledExpression = (
  input: unknown,
  bindings: Readonly<Record<string, unknown>>,
) => unknown;

type Evaluator = (input: object) => unknown;

interface Node {
  type?: unknown;
  value?: unknown;
  [key: string]: unknown;
}

/** Longest list a compiled function handles itself: JSONata's sequence limit stays far away. */
const MAX_LIST = 1000;

/** Functions whose JSONata definition is mirrored here; a binding of the same name defers. */
const FUNCTIONS = new Set(['join', 'append']);

class NotCompilable extends Error {}

/** The node has exactly these keys (`position` aside): anything more is a construct not mirrored. */
function expectKeys(node: Node, keys: readonly string[]): void {
  for (const key of Object.keys(node)) {
    if (key !== 'position' && !keys.includes(key)) throw new NotCompilable(key);
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A path of plain names (`a.b.c`) over objects, as JSONata's path and step evaluation read it. */
function compilePath(node: Node): Evaluator {
  expectKeys(node, ['type', 'steps']);
  const steps = node.steps as Node[];
  if (!Array.isArray(steps) || steps.length === 0) throw new NotCompilable('path');
  const names = steps.map((step) => {
    expectKeys(step, ['type', 'value']);
    if (step.type !== 'name' || typeof step.value !== 'string') throw new NotCompilable('step');
    return step.value;
  });
  const last = names.length - 1;
  return (input) => {
    let value: unknown = input;
    for (let i = 0; i < last; i++) {
      // JSONata looks a name up in every item of a list (and flattens): not mirrored.
      if (Array.isArray(value)) return DEFERRED;
      if (!isPlainObject(value)) return undefined;
      value = value[names[i]];
    }
    if (Array.isArray(value)) return DEFERRED;
    if (!isPlainObject(value)) return undefined;
    // The last step's value as it is: a list found there is answered as that very list.
    return value[names[last]];
  };
}

/** `a & b`: both sides as text, a missing side as ''. Only text operands are mirrored. */
function compileConcat(node: Node): Evaluator {
  expectKeys(node, ['type', 'value', 'lhs', 'rhs']);
  const lhs = compileNode(node.lhs as Node);
  const rhs = compileNode(node.rhs as Node);
  const asText = (value: unknown): string | typeof DEFERRED =>
    value === undefined ? '' : typeof value === 'string' ? value : DEFERRED;
  return (input) => {
    const l = lhs(input);
    if (l === DEFERRED) return DEFERRED;
    const r = rhs(input);
    if (r === DEFERRED) return DEFERRED;
    const left = asText(l);
    const right = asText(r);
    return left === DEFERRED || right === DEFERRED ? DEFERRED : left + right;
  };
}

/** JSONata's $append: a missing argument gives the other; otherwise both as lists, joined. */
function append(a: unknown, b: unknown): unknown {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const left = Array.isArray(a) ? a : [a];
  const right = Array.isArray(b) ? b : [b];
  if (left.length + right.length > MAX_LIST) return DEFERRED;
  return left.concat(right);
}

/** `[a, b, ...]`: each defined value appended (lists flattened one level, nested `[...]` kept). */
function compileArray(node: Node): Evaluator {
  expectKeys(node, ['type', 'value', 'expressions']);
  const items = (node.expressions as Node[]).map((item) => ({
    evaluate: compileNode(item),
    nested: item.value === '[',
  }));
  return (input) => {
    let result: unknown[] = [];
    for (const item of items) {
      const value = item.evaluate(input);
      if (value === DEFERRED) return DEFERRED;
      if (value === undefined) continue;
      if (item.nested) {
        result.push(value);
      } else {
        const joined = append(result, value);
        if (joined === DEFERRED) return DEFERRED;
        result = joined as unknown[];
      }
    }
    return result;
  };
}

/** `{ 'key': value, ... }` with distinct literal keys, over a single record. */
function compileObject(node: Node): Evaluator {
  expectKeys(node, ['type', 'value', 'lhs']);
  const pairs = (node.lhs as Node[][]).map(([key, value]) => {
    expectKeys(key, ['type', 'value']);
    if (key.type !== 'string' || typeof key.value !== 'string') throw new NotCompilable('key');
    return { key: key.value, evaluate: compileNode(value) };
  });
  if (new Set(pairs.map((p) => p.key)).size !== pairs.length) throw new NotCompilable('keys');
  return (input) => {
    const result: Record<string, unknown> = {};
    for (const { key, evaluate } of pairs) {
      const value = evaluate(input);
      if (value === DEFERRED) return DEFERRED;
      if (value !== undefined) result[key] = value;
    }
    return result;
  };
}

/** JSONata's effective boolean of a scalar; lists and objects are left to JSONata. */
function truth(value: unknown): boolean | typeof DEFERRED {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.length > 0;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value !== 0 : DEFERRED;
  return DEFERRED;
}

function compileCondition(node: Node): Evaluator {
  expectKeys(node, ['type', 'condition', 'then', 'else']);
  const condition = compileNode(node.condition as Node);
  const then = compileNode(node.then as Node);
  const otherwise = node.else === undefined ? undefined : compileNode(node.else as Node);
  return (input) => {
    const value = condition(input);
    if (value === DEFERRED) return DEFERRED;
    const holds = truth(value);
    if (holds === DEFERRED) return DEFERRED;
    if (holds) return then(input);
    return otherwise === undefined ? undefined : otherwise(input);
  };
}

/** `$join(list, 'separator')`: a text, or a list of texts, joined. */
function compileJoin(args: Node[]): Evaluator {
  if (args.length < 1 || args.length > 2) throw new NotCompilable('join');
  let separator = '';
  if (args.length === 2) {
    expectKeys(args[1], ['type', 'value']);
    if (args[1].type !== 'string' || typeof args[1].value !== 'string') {
      throw new NotCompilable('separator');
    }
    separator = args[1].value;
  }
  const list = compileNode(args[0]);
  return (input) => {
    const value = list(input);
    if (typeof value === 'string') return value;
    if (!Array.isArray(value) || value.length > MAX_LIST) return DEFERRED;
    for (const item of value) if (typeof item !== 'string') return DEFERRED;
    return value.join(separator);
  };
}

function compileAppend(args: Node[]): Evaluator {
  if (args.length !== 2) throw new NotCompilable('append');
  const [a, b] = args.map(compileNode);
  return (input) => {
    const left = a(input);
    if (left === DEFERRED) return DEFERRED;
    const right = b(input);
    if (right === DEFERRED) return DEFERRED;
    if (
      (Array.isArray(left) && left.length > MAX_LIST) ||
      (Array.isArray(right) && right.length > MAX_LIST)
    ) {
      return DEFERRED;
    }
    return append(left, right);
  };
}

function compileFunction(node: Node): Evaluator {
  // The parser leaves `name` undefined on a call of a function by its variable.
  if (node.name !== undefined) throw new NotCompilable('name');
  expectKeys(node, ['type', 'value', 'arguments', 'procedure', 'name']);
  const procedure = node.procedure as Node;
  expectKeys(procedure, ['type', 'value']);
  const args = node.arguments as Node[];
  if (procedure.type !== 'variable' || !Array.isArray(args)) throw new NotCompilable('call');
  if (procedure.value === 'join') return compileJoin(args);
  if (procedure.value === 'append') return compileAppend(args);
  throw new NotCompilable(String(procedure.value));
}

function compileNode(node: Node): Evaluator {
  if (typeof node !== 'object' || node === null) throw new NotCompilable('node');
  switch (node.type) {
    case 'path':
      return compilePath(node);
    case 'string':
    case 'number':
    case 'value': {
      expectKeys(node, ['type', 'value']);
      const { value } = node;
      if (typeof value === 'number' && !Number.isFinite(value)) throw new NotCompilable('number');
      return () => value;
    }
    case 'binary':
      if (node.value !== '&') throw new NotCompilable(String(node.value));
      return compileConcat(node);
    case 'unary':
      if (node.value === '[') return compileArray(node);
      if (node.value === '{') return compileObject(node);
      throw new NotCompilable(String(node.value));
    case 'condition':
      return compileCondition(node);
    case 'function':
      return compileFunction(node);
    default:
      throw new NotCompilable(String(node.type));
  }
}

/** Whether the AST calls a function by name (`$join`), so that bindings must not shadow it. */
function callsFunctions(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(callsFunctions);
  if (typeof node !== 'object' || node === null) return false;
  const n = node as Node;
  if (n.type === 'variable' && FUNCTIONS.has(String(n.value))) return true;
  return Object.values(n).some((value) => typeof value === 'object' && callsFunctions(value));
}

/**
 * A plain function answering what JSONata answers for the expression of `ast` (or DEFERRED),
 * or undefined when the expression holds a construct not mirrored here.
 */
export function compileExpression(ast: unknown): CompiledExpression | undefined {
  let evaluate: Evaluator;
  try {
    evaluate = compileNode(ast as Node);
  } catch (error) {
    if (error instanceof NotCompilable) return undefined;
    throw error;
  }
  const guarded = callsFunctions(ast);
  return (input, bindings) => {
    // JSONata wraps a list given as input in a sequence of its own: not mirrored.
    if (!isPlainObject(input)) return DEFERRED;
    if (guarded) for (const name of FUNCTIONS) if (Object.hasOwn(bindings, name)) return DEFERRED;
    return evaluate(input);
  };
}
