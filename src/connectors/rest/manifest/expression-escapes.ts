import { guidValue } from './guid-filter';
import { QUERY_ESCAPES } from './query-escapes';

/**
 * The escaping filters of templates as JSONata functions of request bodies (`body_expression`):
 * `"Email = '" & $soql(data.email) & "'"`. A missing value stays missing.
 */
const ESCAPES: Readonly<Record<string, (text: string) => string>> = {
  ...QUERY_ESCAPES,
  digits: (text) => text.replace(/\D/g, ''),
  guid: guidValue,
};

export const EXPRESSION_ESCAPE_NAMES: readonly string[] = Object.keys(ESCAPES);

/** The bindings a body expression is evaluated with (`$soql`, `$odata`...). */
export const EXPRESSION_ESCAPES: Readonly<Record<string, (value: unknown) => string | undefined>> =
  Object.fromEntries(
    Object.entries(ESCAPES).map(([name, escape]) => [
      name,
      (value: unknown) =>
        value === undefined || value === null
          ? undefined
          : escape(typeof value === 'string' ? value : JSON.stringify(value)),
    ]),
  );

type Node = Record<string, unknown>;

const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** JSONata functions whose answer is text made of their arguments and other text. */
const JOINING_FUNCTIONS = new Set(['join', 'replace', 'pad']);

/**
 * Where a body expression writes a value from a Talkdesk request (a path starting at one of
 * `roots`, or a variable bound to one) into text it builds (`&`, `$join`, `$replace`, `$pad`,
 * `$string` of a structure) without passing it through an escaping function first: one
 * description per place. Variables are followed through `:=`; parameters of functions the
 * expression defines are not (a lambda's argument is not traced).
 */
export function unescapedJoins(ast: unknown, roots: ReadonlySet<string>): string[] {
  const taintedVars = new Set<string>();
  const binds: Node[] = [];
  collect(ast, (n) => n.type === 'bind' && binds.push(n));
  // Variables bound to request values, through chains of bindings.
  for (let grew = true; grew;) {
    grew = false;
    for (const b of binds) {
      const name = (b.lhs as Node | undefined)?.value;
      if (typeof name === 'string' && !taintedVars.has(name) && reads(b.rhs)) {
        taintedVars.add(name);
        grew = true;
      }
    }
  }

  function reads(node: unknown): string | undefined {
    if (Array.isArray(node)) {
      for (const item of node) {
        const found = reads(item);
        if (found) return found;
      }
      return undefined;
    }
    if (!isNode(node)) return undefined;
    if (node.type === 'function' && isEscape(node)) return undefined;
    if (node.type === 'name' && typeof node.value === 'string' && roots.has(node.value)) {
      return node.value;
    }
    if (node.type === 'variable' && taintedVars.has(String(node.value))) return `$${node.value}`;
    if (node.type === 'path' && Array.isArray(node.steps)) {
      const steps = node.steps as Node[];
      // `$.data.x` and `$$.data.x` start at the input too.
      const first = steps.findIndex((s) => !(s.type === 'variable' && s.value === ''));
      const head = steps[first];
      if (head?.type === 'name' && typeof head.value === 'string' && roots.has(head.value)) {
        return steps
          .slice(first)
          .map((s) => String(s.value))
          .join('.');
      }
      // Property names after the first step are not roots; their predicates may read values.
      for (const [i, step] of steps.entries()) {
        const found =
          i === first && step.type !== 'name'
            ? reads(step)
            : reads(Object.entries(step).filter(([k]) => k !== 'value' && k !== 'type'));
        if (found) return found;
      }
      return undefined;
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'value' && typeof value !== 'object') continue;
      const found = reads(value);
      if (found) return found;
    }
    return undefined;
  }

  const out: string[] = [];
  collect(ast, (n) => {
    if (n.type === 'binary' && n.value === '&') {
      const found = reads(n.lhs) ?? reads(n.rhs);
      if (found) out.push(`${found} is joined into text by "&"`);
    }
    if (n.type === 'function' && !isEscape(n)) {
      const name = String((n.procedure as Node | undefined)?.value);
      const args = (n.arguments as unknown[] | undefined) ?? [];
      if (JOINING_FUNCTIONS.has(name)) {
        const found = reads(args);
        if (found) out.push(`${found} is joined into text by $${name}`);
      }
      // `$string` of a structure writes its values inside JSON text; of one value, it is whole.
      if (
        name === 'string' &&
        isNode(args[0]) &&
        !['path', 'name'].includes(String(args[0].type))
      ) {
        const found = reads(args);
        if (found) out.push(`${found} is written inside text by $string`);
      }
    }
  });
  return out;
}

function isEscape(call: Node): boolean {
  const procedure = call.procedure as Node | undefined;
  return (
    procedure?.type === 'variable' && EXPRESSION_ESCAPE_NAMES.includes(String(procedure.value))
  );
}

function collect(node: unknown, visit: (n: Node) => unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) collect(item, visit);
    return;
  }
  if (!isNode(node)) return;
  visit(node);
  for (const value of Object.values(node)) if (typeof value === 'object') collect(value, visit);
}
