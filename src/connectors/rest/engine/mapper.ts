import { ContactRecord, InteractionRecord, UserRecord } from '../../ports';
import { CompiledValue } from '../manifest/compiled';
import { parseDate } from '../manifest/dates';
import { textOf } from '../manifest/template';

/** The values templates and expressions may read besides the record (auth, data, meta...). */
export type Scope = Readonly<Record<string, unknown>>;

const isMissing = (value: unknown) => value === undefined || value === null || value === '';

function translate(value: unknown, v: CompiledValue): unknown {
  if (!v.map || isMissing(value)) return value;
  if (Array.isArray(value)) return value.map((item) => translate(item, v));
  if (typeof value === 'object') return value;
  const key = textOf(value).trim().toLowerCase();
  if (v.map.has(key)) return v.map.get(key);
  return v.mapDefault ? v.mapDefault.value : value;
}

/** A missing value (undefined, null, '') becomes the field's fallback, or undefined. */
function settle(value: unknown, v: CompiledValue): unknown {
  return translate(isMissing(value) ? v.fallback?.value : value, v);
}

/**
 * The value of one manifest field for a record: at once for paths, templates and constants, a
 * promise only for a JSONata expression (whose evaluation is asynchronous).
 */
export function evaluate(v: CompiledValue, record: unknown, scope: Scope): unknown {
  switch (v.source.kind) {
    case 'path':
      return settle(v.source.path.get(record), v);
    case 'template':
      return settle(v.source.template.value({ ...scope, record }), v);
    case 'expression': {
      const bindings = Object.fromEntries(Object.entries(scope));
      return v.source.expression.evaluate(record, bindings).then((value) => settle(value, v));
    }
    case 'value':
      return settle(v.source.value, v);
  }
}

/** A scalar as trimmed text, or null (objects and lists are not text). */
export function text(value: unknown): string | null {
  if (Array.isArray(value)) return value.length > 0 ? text(value[0]) : null;
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return null;
}

/** One value or a list (nested lists flattened) as a list of texts. */
export function texts(value: unknown): string[] {
  if (isMissing(value)) return [];
  const list = Array.isArray(value) ? value.flat(3) : [value];
  return list.map(text).filter((t): t is string => t !== null);
}

function customFields(value: unknown): { key: string; value: unknown }[] {
  if (isMissing(value)) return [];
  if (Array.isArray(value)) {
    return value
      .filter(
        (item): item is { key: unknown; value: unknown } =>
          typeof item === 'object' && item !== null && 'key' in item,
      )
      .map((item) => ({ key: textOf(item.key), value: item.value }))
      .filter((item) => item.key !== '');
  }
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).map(([key, v]) => ({ key, value: v }));
  }
  return [];
}

export type Mapped<T> = { record: T } | { problem: string };

/**
 * The values of the named fields of one record. Only the fields that are expressions are awaited,
 * all together: a record costs a few promises rather than one per field, which counts on a page of
 * hundreds of records (and more so while async_hooks track every promise for the request logs).
 */
async function read<N extends string>(
  fields: Record<string, CompiledValue>,
  names: readonly N[],
  record: unknown,
  scope: Scope,
): Promise<Record<N, unknown>> {
  const values = {} as Record<N, unknown>;
  const pending: Promise<void>[] = [];
  for (const name of names) {
    const v = fields[name];
    if (!v) continue;
    const value = evaluate(v, record, scope);
    if (value instanceof Promise) {
      pending.push(value.then((settled: unknown) => void (values[name] = settled)));
    } else {
      values[name] = value;
    }
  }
  if (pending.length > 0) await Promise.all(pending);
  return values;
}

/** One field of a record (see read). */
async function readOne(
  fields: Record<string, CompiledValue>,
  name: string,
  record: unknown,
  scope: Scope,
): Promise<unknown> {
  return (await read(fields, [name], record, scope))[name];
}

const CONTACT_FIELDS = [
  'name',
  'title',
  'company',
  'emails',
  'phones',
  'websites',
  'photo_url',
  'address',
  'twitter',
  'url',
  'custom_fields',
] as const;

/**
 * Only what orders a contact (its id and update time): computed for every record of a page,
 * while the other fields are computed only for the records actually handed out.
 */
export async function toContactKey(
  fields: Record<string, CompiledValue>,
  record: unknown,
  scope: Scope,
): Promise<Mapped<{ id: string; updatedAt: number }>> {
  const id = text(await readOne(fields, 'id', record, scope));
  if (id === null) return { problem: 'no id' };
  const rawUpdated = await readOne(fields, 'updated_at', record, scope);
  const updatedAt = parseDate(rawUpdated, fields.updated_at?.format);
  if (updatedAt === undefined) return { problem: `contact ${id} has no readable updated_at` };
  return { record: { id, updatedAt } };
}

/**
 * The upstream record as a ContactRecord, or why it cannot be one (no id; no readable update
 * time when the sync is incremental). Without an update time a full sync uses 0.
 */
export async function toContact(
  fields: Record<string, CompiledValue>,
  record: unknown,
  scope: Scope,
  needsUpdatedAt: boolean,
): Promise<Mapped<ContactRecord>> {
  const id = text(await readOne(fields, 'id', record, scope));
  if (id === null) return { problem: 'no id' };
  const rawUpdated = await readOne(fields, 'updated_at', record, scope);
  const updatedAt = parseDate(rawUpdated, fields.updated_at?.format);
  if (updatedAt === undefined && needsUpdatedAt) {
    return { problem: `contact ${id} has no readable updated_at` };
  }
  const f = await read(fields, CONTACT_FIELDS, record, scope);
  return {
    record: {
      id,
      updatedAt: updatedAt ?? 0,
      name: text(f.name),
      title: text(f.title),
      company: text(f.company),
      emails: texts(f.emails),
      phones: texts(f.phones),
      websites: texts(f.websites),
      photoUrl: text(f.photo_url),
      address: text(f.address),
      twitter: text(f.twitter),
      url: text(f.url),
      customFields: customFields(f.custom_fields),
    },
  };
}

export async function toUser(
  fields: Record<string, CompiledValue>,
  record: unknown,
  scope: Scope,
): Promise<Mapped<UserRecord>> {
  const id = text(await readOne(fields, 'id', record, scope));
  if (id === null) return { problem: 'no id' };
  const f = await read(fields, ['name', 'email'] as const, record, scope);
  return { record: { id, name: text(f.name), email: text(f.email) } };
}

export async function toInteraction(
  fields: Record<string, CompiledValue>,
  record: unknown,
  scope: Scope,
  defaultType: string | undefined,
): Promise<Mapped<InteractionRecord>> {
  const id = text(await readOne(fields, 'id', record, scope));
  if (id === null) return { problem: 'no id' };
  const date = parseDate(await readOne(fields, 'date', record, scope), fields.date?.format);
  if (date === undefined) return { problem: `interaction ${id} has no readable date` };
  const type = fields.type ? text(await readOne(fields, 'type', record, scope)) : defaultType;
  if (!type) return { problem: `interaction ${id} has no type` };
  const f = await read(
    fields,
    ['subject', 'description', 'url', 'priority', 'status'] as const,
    record,
    scope,
  );
  return {
    record: {
      id,
      type,
      date,
      subject: text(f.subject),
      description: text(f.description),
      url: text(f.url),
      priority: text(f.priority),
      status: text(f.status),
    },
  };
}
