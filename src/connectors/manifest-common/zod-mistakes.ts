import type { z } from 'zod';

/** `['contacts', 'where', 0, 'column']` → `contacts.where[0].column`. */
function dotted(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.reduce<string>(
    (out, part) =>
      typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part),
    '',
  );
}

const kindOf = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value;

/** Zod's issues as "path: what is wrong" lines, every one of them (unions flattened to their best branch). */
export function zodIssuesToMistakes(issues: readonly z.core.$ZodIssue[], input: unknown): string[] {
  const out: string[] = [];
  const valueAt = (path: readonly PropertyKey[]) =>
    path.reduce<unknown>(
      (v, key) =>
        v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined,
      input,
    );
  const visit = (issue: z.core.$ZodIssue, prefix: readonly PropertyKey[]) => {
    const path = [...prefix, ...issue.path];
    const at = dotted(path);
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) out.push(`${dotted([...path, key])}: unknown key`);
        return;
      case 'invalid_union': {
        // The branch that got furthest says the most: the deepest mistakes, then the fewest.
        const depth = (b: readonly z.core.$ZodIssue[]) => Math.max(...b.map((i) => i.path.length));
        const branches = issue.errors.filter((b) => b.length > 0);
        const best = branches.sort((a, b) => depth(b) - depth(a) || a.length - b.length)[0];
        if (
          !best ||
          branches.every(
            (b) => b.length === 1 && b[0].code === 'invalid_type' && b[0].path.length === 0,
          )
        ) {
          out.push(`${at}: ${issue.message} (got ${kindOf(valueAt(path))})`);
          return;
        }
        for (const inner of best) visit(inner, path);
        return;
      }
      case 'invalid_type':
        out.push(
          valueAt(path) === undefined
            ? `${at}: is required`
            : `${at}: must be ${issue.expected} (got ${kindOf(valueAt(path))})`,
        );
        return;
      default:
        out.push(`${at}: ${issue.message}`);
    }
  };
  for (const issue of issues) visit(issue, []);
  return [...new Set(out)];
}
