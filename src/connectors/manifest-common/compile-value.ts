import type { CompiledValue } from '../rest/manifest/compiled';
import { isDateFormat } from '../rest/manifest/dates';
import { Expression, ExpressionError } from '../rest/manifest/expression';
import { JsonPath, PathError } from '../rest/manifest/paths';
import { Template, TemplateError } from '../rest/manifest/template';
import type { ValueSpec } from './value-spec';

/** Where compiled values report their mistakes, and the limits they run under. */
export interface ValueCompileContext {
  fail(where: string, message: string): void;
  /** Roots templates may read in this place (`record`, `data`...). */
  roots: readonly string[];
  expressionTimeoutMs: number;
  /** A further check of each template compiled (the REST manifests' declared auth fields). */
  checkTemplate?(where: string, template: Template): void;
  /** Constants templates and expressions read beside the record (e.g. `settings`). */
  scope?: Readonly<Record<string, unknown>>;
}

function attempt<T>(ctx: ValueCompileContext, where: string, make: () => T): T | undefined {
  try {
    return make();
  } catch (error) {
    if (
      error instanceof PathError ||
      error instanceof TemplateError ||
      error instanceof ExpressionError
    ) {
      ctx.fail(where, error.message);
      return undefined;
    }
    throw error;
  }
}

/** One value spec, compiled into the shape the shared evaluator reads (see mapper.evaluate). */
export function compileValue(
  ctx: ValueCompileContext,
  where: string,
  spec: ValueSpec,
): CompiledValue {
  const empty: CompiledValue = { where, source: { kind: 'value', value: undefined } };
  if (typeof spec === 'string') {
    const path = attempt(ctx, where, () => new JsonPath(spec));
    return path ? { where, source: { kind: 'path', path } } : empty;
  }
  const sources = (['path', 'template', 'expression', 'value'] as const).filter(
    (key) => spec[key] !== undefined,
  );
  if (sources.length !== 1) {
    ctx.fail(
      where,
      sources.length === 0
        ? 'needs one of path, template, expression or value'
        : `give only one of ${sources.join(', ')}`,
    );
    return empty;
  }
  let source: CompiledValue['source'] = { kind: 'value', value: spec.value };
  if (spec.path !== undefined) {
    const path = attempt(ctx, `${where}.path`, () => new JsonPath(spec.path!));
    if (path) source = { kind: 'path', path };
  } else if (spec.template !== undefined) {
    const template = attempt(
      ctx,
      `${where}.template`,
      () => new Template(spec.template!, ctx.roots),
    );
    if (template) {
      ctx.checkTemplate?.(`${where}.template`, template);
      source = { kind: 'template', template };
    }
  } else if (spec.expression !== undefined) {
    const expression = attempt(
      ctx,
      `${where}.expression`,
      () => new Expression(spec.expression!, ctx.expressionTimeoutMs),
    );
    if (expression) source = { kind: 'expression', expression };
  }
  if (spec.format !== undefined && spec.format !== 'auto' && !isDateFormat(spec.format)) {
    ctx.fail(`${where}.format`, `"${spec.format}" is not a date format`);
  }
  return {
    where,
    source,
    ...(spec.map && {
      map: new Map(Object.entries(spec.map).map(([k, v]) => [k.trim().toLowerCase(), v])),
    }),
    ...(spec.map_default !== undefined && { mapDefault: { value: spec.map_default } }),
    ...(spec.default !== undefined && { fallback: { value: spec.default } }),
    ...(spec.format !== undefined && { format: spec.format }),
  };
}
