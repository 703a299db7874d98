/**
 * The mapping vocabulary every manifest-driven connector shares: paths into records, logic-less
 * templates, bounded JSONata expressions, dates in declared formats, value maps and defaults.
 * The REST connector defined it first; the SQL connector's manifests read their columns with the
 * very same code, so a field is written the same way in both kinds of manifest.
 */
export { JsonPath, PathError } from '../rest/manifest/paths';
export { Template, TemplateError, textOf } from '../rest/manifest/template';
export { Expression, ExpressionError, NESTED_QUANTIFIER } from '../rest/manifest/expression';
export { formatDate, granularityMs, isDateFormat, parseDate } from '../rest/manifest/dates';
export type { CompiledValue, ValueSource } from '../rest/manifest/compiled';
export { evaluate, text, texts } from '../rest/engine/mapper';
export type { Scope } from '../rest/engine/mapper';
export { VALUE_SPEC, FIELD_LIST_SPEC, type ValueSpec } from './value-spec';
export { compileValue, type ValueCompileContext } from './compile-value';
export { zodIssuesToMistakes } from './zod-mistakes';
