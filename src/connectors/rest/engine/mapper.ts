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

/** The value of one manifest field for a record. */
export async function evaluate(v: CompiledValue, record: unknown, scope: Scope): Promise<unknown> {
  let value: unknown;
  switch (v.source.kind) {
    case 'path':
      value = v.source.path.get(record);
      break;
    case 'template':
      value = v.source.template.value({ ...scope, record });
      break;
    case 'expression': {
      const bindings = Object.fromEntries(Object.entries(scope));
      value = await v.source.expression.evaluate(record, bindings);
      break;
    }
    case 'value':
      value = v.source.value;
      break;
  }
  if (isMissing(value)) value = v.fallback ? v.fallback.value : undefined;
  return translate(value, v);
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

async function read(
  fields: Record<string, CompiledValue>,
  name: string,
  record: unknown,
  scope: Scope,
): Promise<unknown> {
  const v = fields[name];
  return v ? evaluate(v, record, scope) : undefined;
}

/**
 * Only what orders a contact (its id and update time): computed for every record of a page,
 * while the other fields are computed only for the records actually handed out.
 */
export async function toContactKey(
  fields: Record<string, CompiledValue>,
  record: unknown,
  scope: Scope,
): Promise<Mapped<{ id: string; updatedAt: number }>> {
  const id = text(await read(fields, 'id', record, scope));
  if (id === null) return { problem: 'no id' };
  const updatedAt = parseDate(
    await read(fields, 'updated_at', record, scope),
    fields.updated_at?.format,
  );
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
  const id = text(await read(fields, 'id', record, scope));
  if (id === null) return { problem: 'no id' };
  const rawUpdated = await read(fields, 'updated_at', record, scope);
  const updatedAt = parseDate(rawUpdated, fields.updated_at?.format);
  if (updatedAt === undefined && needsUpdatedAt) {
    return { problem: `contact ${id} has no readable updated_at` };
  }
  const one = async (name: string) => text(await read(fields, name, record, scope));
  const many = async (name: string) => texts(await read(fields, name, record, scope));
  return {
    record: {
      id,
      updatedAt: updatedAt ?? 0,
      name: await one('name'),
      title: await one('title'),
      company: await one('company'),
      emails: await many('emails'),
      phones: await many('phones'),
      websites: await many('websites'),
      photoUrl: await one('photo_url'),
      address: await one('address'),
      twitter: await one('twitter'),
      url: await one('url'),
      customFields: customFields(await read(fields, 'custom_fields', record, scope)),
    },
  };
}

export async function toUser(
  fields: Record<string, CompiledValue>,
  record: unknown,
  scope: Scope,
): Promise<Mapped<UserRecord>> {
  const id = text(await read(fields, 'id', record, scope));
  if (id === null) return { problem: 'no id' };
  return {
    record: {
      id,
      name: text(await read(fields, 'name', record, scope)),
      email: text(await read(fields, 'email', record, scope)),
    },
  };
}

export async function toInteraction(
  fields: Record<string, CompiledValue>,
  record: unknown,
  scope: Scope,
  defaultType: string | undefined,
): Promise<Mapped<InteractionRecord>> {
  const id = text(await read(fields, 'id', record, scope));
  if (id === null) return { problem: 'no id' };
  const date = parseDate(await read(fields, 'date', record, scope), fields.date?.format);
  if (date === undefined) return { problem: `interaction ${id} has no readable date` };
  const type = fields.type ? text(await read(fields, 'type', record, scope)) : defaultType;
  if (!type) return { problem: `interaction ${id} has no type` };
  return {
    record: {
      id,
      type,
      date,
      subject: text(await read(fields, 'subject', record, scope)),
      description: text(await read(fields, 'description', record, scope)),
      url: text(await read(fields, 'url', record, scope)),
      priority: text(await read(fields, 'priority', record, scope)),
      status: text(await read(fields, 'status', record, scope)),
    },
  };
}
