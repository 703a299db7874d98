import { defaultParser } from '@odata/parser';
import { EntitySet, Row } from './fake-dynamics365-data';

/**
 * OData query options as the Dataverse stand-in runs them ("Query data using the Web API":
 * $select, $filter, $orderby, $top; OData 4.0 URL conventions for literals: strings in single
 * quotes with `''` for a quote, date-times and GUIDs unquoted), with Dataverse's error bodies
 * (`{ error: { code, message } }`, code 0x80060888 for a query it cannot read).
 */

export class ODataError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const QUERY_ERROR = '0x80060888';
const unknownProperty = (entity: EntitySet, name: string) =>
  new ODataError(
    400,
    QUERY_ERROR,
    `Could not find a property named '${name}' on type 'Microsoft.Dynamics.CRM.${entity.logical}'.`,
  );

export function parseSelect(entity: EntitySet, select: string | null): string[] {
  if (!select) return Object.keys(entity.columns);
  const names = select.split(',').map((s) => s.trim());
  for (const n of names) if (!(n in entity.columns)) throw unknownProperty(entity, n);
  return [...new Set([...names, entity.key])];
}

export function parseOrderBy(
  entity: EntitySet,
  orderby: string | null,
): { column: string; desc: boolean }[] {
  if (!orderby) return [];
  return orderby.split(',').map((part) => {
    const m = /^\s*(\w+)(?:\s+(asc|desc))?\s*$/.exec(part);
    if (!m) throw new ODataError(400, QUERY_ERROR, `Syntax error at position 0 in '${orderby}'.`);
    if (!(m[1] in entity.columns)) throw unknownProperty(entity, m[1]);
    return { column: m[1], desc: m[2] === 'desc' };
  });
}

type Value = string | number | boolean | null;

/** Compares two column values of one Edm type (GUIDs and strings without case, as SQL Server). */
export function compare(a: Value, b: Value): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'string' && typeof b === 'string') {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

const EDM_OF_LITERAL: Record<string, string> = {
  'Edm.String': 'String',
  'Edm.Guid': 'Guid',
  'Edm.DateTimeOffset': 'DateTimeOffset',
  'Edm.Boolean': 'Boolean',
  'Edm.SByte': 'Int32',
  'Edm.Byte': 'Int32',
  'Edm.Int16': 'Int32',
  'Edm.Int32': 'Int32',
  'Edm.Int64': 'Int32',
  'Edm.Decimal': 'Int32',
  'Edm.Double': 'Int32',
  null: 'null',
};

/** `$filter`: comparisons, and/or/not, parentheses, contains/startswith/endswith. */
export function parseFilter(entity: EntitySet, filter: string | null): (row: Row) => boolean {
  if (!filter) return () => true;
  let ast: any;
  try {
    ast = defaultParser.filter(filter);
  } catch (error) {
    const at = /at (\d+)/.exec((error as Error).message)?.[1] ?? '0';
    throw new ODataError(400, QUERY_ERROR, `Syntax error at position ${at} in '${filter}'.`);
  }
  const property = (node: any): string => {
    const name = String(node?.raw ?? '');
    if (node?.type !== 'FirstMemberExpression' || !(name in entity.columns))
      throw unknownProperty(entity, name);
    return name;
  };
  const literal = (node: any, column: string): Value => {
    if (node?.type !== 'Literal')
      throw new ODataError(
        400,
        QUERY_ERROR,
        `The query stand-in compares a column with a literal: '${filter}'.`,
      );
    const edm = entity.columns[column];
    const given = EDM_OF_LITERAL[String(node.value)] ?? 'String';
    if (given === 'null') return null;
    if (given !== edm) {
      throw new ODataError(
        400,
        QUERY_ERROR,
        `A binary operator with incompatible types was detected. Found operand types 'Edm.${edm}' and '${String(node.value)}' for operator kind 'Equal'.`,
      );
    }
    const raw = String(node.raw);
    if (given === 'String') return raw.slice(1, -1).replace(/''/g, "'");
    if (given === 'Int32') return Number(raw);
    if (given === 'Boolean') return raw === 'true';
    if (given === 'DateTimeOffset') return new Date(raw).toISOString();
    return raw;
  };
  const cell = (row: Row, column: string): Value => {
    const v = row[column] ?? null;
    return entity.columns[column] === 'DateTimeOffset' && typeof v === 'string'
      ? new Date(v).toISOString()
      : v;
  };
  const COMPARISONS: Record<string, (c: number) => boolean> = {
    EqualsExpression: (c) => c === 0,
    NotEqualsExpression: (c) => c !== 0,
    LesserThanExpression: (c) => c < 0,
    LesserOrEqualsExpression: (c) => c <= 0,
    GreaterThanExpression: (c) => c > 0,
    GreaterOrEqualsExpression: (c) => c >= 0,
  };
  const build = (node: any): ((row: Row) => boolean) => {
    switch (node?.type) {
      case 'AndExpression': {
        const [l, r] = [build(node.value.left), build(node.value.right)];
        return (row) => l(row) && r(row);
      }
      case 'OrExpression': {
        const [l, r] = [build(node.value.left), build(node.value.right)];
        return (row) => l(row) || r(row);
      }
      case 'NotExpression': {
        const inner = build(node.value);
        return (row) => !inner(row);
      }
      case 'BoolParenExpression':
        return build(node.value);
      case 'MethodCallExpression': {
        const method = String(node.value.method);
        const [p, l] = node.value.parameters ?? [];
        const column = property(p);
        const text = String(literal(l, column) ?? '').toLowerCase();
        const test = {
          contains: (v: string) => v.includes(text),
          startswith: (v: string) => v.startsWith(text),
          endswith: (v: string) => v.endsWith(text),
        }[method];
        if (!test)
          throw new ODataError(400, QUERY_ERROR, `The function '${method}' is not supported.`);
        return (row) => typeof row[column] === 'string' && test(String(row[column]).toLowerCase());
      }
    }
    const op = COMPARISONS[node?.type];
    if (!op) throw new ODataError(400, QUERY_ERROR, `Syntax error in '${filter}'.`);
    const column = property(node.value.left);
    const value = literal(node.value.right, column);
    return (row) => {
      const v = cell(row, column);
      // OData: `eq null` matches nulls; any other comparison with null is false.
      if (v === null || value === null)
        return node.type === 'EqualsExpression'
          ? v === value
          : node.type === 'NotEqualsExpression'
            ? v !== value
            : false;
      return op(compare(v, value));
    };
  };
  return build(ast);
}

/** The `$skiptoken` of a next link: `<cookie pagenumber="2" pagingcookie="..." />`, URL-encoded. */
export function writeCookie(page: number, values: unknown[]): string {
  const paging = Buffer.from(JSON.stringify(values)).toString('base64url');
  return `<cookie pagenumber="${page}" pagingcookie="${paging}" istracking="False" />`;
}

export function readCookie(
  token: string | null,
): { page: number; values: (string | number | boolean | null)[] } | undefined {
  if (!token) return undefined;
  const m = /^<cookie pagenumber="(\d+)" pagingcookie="([\w-]+)" istracking="False" \/>$/.exec(
    token,
  );
  if (!m) return undefined;
  try {
    return {
      page: Number(m[1]),
      values: JSON.parse(Buffer.from(m[2], 'base64url').toString('utf8')),
    };
  } catch {
    return undefined;
  }
}
