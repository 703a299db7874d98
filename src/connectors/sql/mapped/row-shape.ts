import {
  CompiledValue,
  compileValue,
  evaluate,
  textOf,
  ValueCompileContext,
  ValueSpec,
} from '../../manifest-common';
import { parseJsonCell } from './json-cell';
import type { Row } from './sql-client';

/**
 * The columns one query selects, and how each Talkdesk field is read from a row of them. A field
 * that is a column name (with no map or default) reads its cell directly; templates, expressions
 * and deeper paths read the row as an object `{ COLUMN: value }`, built once per row and only
 * when such a field exists. Only expressions cost a promise.
 */

export type Reader = (row: Row, record: () => Record<string, unknown>) => unknown;

/** Columns a template reads as `{{ record.COLUMN }}`. */
const TEMPLATE_COLUMN =
  /\{\{\s*record\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_$]*)|\[\s*["']([^"']+)["']\s*\])/g;

export class RowShape {
  readonly columns: string[] = [];
  private readonly index = new Map<string, number>();
  private needsRecord = false;
  private jsonAt: number[] = [];

  constructor(
    private readonly ctx: ValueCompileContext,
    private readonly scope: Readonly<Record<string, unknown>> = ctx.scope ?? {},
  ) {}

  /** Columns whose cells hold JSON text, parsed once per row before any field reads them. */
  json(columns: readonly string[]): void {
    this.jsonAt = columns.map((c) => this.column(c));
  }

  /** The row with its JSON cells parsed (in place: rows are the driver's, read once). */
  prepare(row: Row): Row {
    for (const at of this.jsonAt) row[at] = parseJsonCell(row[at]);
    return row;
  }

  /** Selects a column (once); answers its position in the row. */
  column(name: string): number {
    let at = this.index.get(name);
    if (at === undefined) {
      at = this.columns.length;
      this.columns.push(name);
      this.index.set(name, at);
    }
    return at;
  }

  /** A reader of the value spec, selecting what it names. */
  reader(where: string, spec: ValueSpec): Reader {
    const compiled = compileValue(this.ctx, where, spec);
    return this.readerOf(compiled, spec);
  }

  /** Readers of a list field: every value gathered into one list. */
  listReader(where: string, spec: ValueSpec | ValueSpec[]): Reader {
    if (!Array.isArray(spec)) return this.reader(where, spec);
    const readers = spec.map((s, i) => this.reader(`${where}[${i}]`, s));
    const anyAsync = spec.some((s) => typeof s === 'object' && s.expression !== undefined);
    if (!anyAsync) return (row, record) => readers.map((read) => read(row, record));
    return (row, record) => Promise.all(readers.map((read) => read(row, record)));
  }

  private readerOf(v: CompiledValue, spec: ValueSpec): Reader {
    const { source } = v;
    if (source.kind === 'path') {
      const [first, ...rest] = source.path.segments;
      if (typeof first === 'string') {
        const at = this.column(first);
        if (rest.length === 0 && !v.map && !v.fallback) return (row) => row[at];
      }
    } else if (source.kind === 'template') {
      const text = typeof spec === 'object' ? (spec.template ?? '') : '';
      for (const match of text.matchAll(TEMPLATE_COLUMN)) this.column(match[1] ?? match[2]);
      const direct = !v.map && !v.fallback ? this.directTemplate(text) : undefined;
      if (direct) return direct;
    }
    if (source.kind !== 'value') this.needsRecord = true;
    const scope = this.scope;
    return (_row, record) => evaluate(v, record(), scope);
  }

  /**
   * A template made only of text, `{{ record.COLUMN }}` placeholders without filters and
   * placeholders of the scope's constants (`{{ settings.NAME }}`), read straight from the row's
   * cells: what Template.value gives (one placeholder keeps its value's type; several are joined
   * as text, a missing one as nothing), without building the record.
   */
  private directTemplate(source: string): Reader | undefined {
    const parts: (string | number)[] = [];
    // Text next to text is joined: a constant costs a row nothing.
    const literal = (text: string) => {
      if (typeof parts[parts.length - 1] === 'string') parts[parts.length - 1] += text;
      else parts.push(text);
    };
    let rest = source;
    for (;;) {
      const open = rest.indexOf('{{');
      if (open < 0) break;
      const match = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_$]*)\s*\}\}/.exec(
        rest.slice(open),
      );
      if (!match) return undefined;
      if (open > 0) literal(rest.slice(0, open));
      if (match[1] === 'record') parts.push(this.column(match[2]));
      else {
        const root = this.scope[match[1]];
        if (typeof root !== 'object' || root === null) return undefined;
        // A constant: its text, as Template.value would write it.
        const constant = textOf((root as Record<string, unknown>)[match[2]]);
        if (parts.length === 0 && rest.slice(open + match[0].length) === '') return undefined;
        literal(constant);
      }
      rest = rest.slice(open + match[0].length);
    }
    if (rest.includes('}}')) return undefined;
    if (rest) literal(rest);
    if (parts.length === 1 && typeof parts[0] === 'number') {
      const at = parts[0];
      return (row) => row[at] ?? undefined;
    }
    return (row) => {
      let out = '';
      for (const part of parts) out += typeof part === 'string' ? part : textOf(row[part]);
      return out;
    };
  }

  /** The row as `{ COLUMN: value }` for the readers that need it; built once per row. */
  recordOf(row: Row): () => Record<string, unknown> {
    if (!this.needsRecord) return EMPTY;
    let record: Record<string, unknown> | undefined;
    return () => {
      if (!record) {
        record = {};
        for (let i = 0; i < this.columns.length; i++) record[this.columns[i]] = row[i];
      }
      return record;
    };
  }
}

const NOTHING: Record<string, unknown> = {};
const EMPTY = () => NOTHING;
