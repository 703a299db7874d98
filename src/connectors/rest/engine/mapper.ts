import { ContactRecord, InteractionRecord, UserRecord } from '../../ports';
import { CompiledValue } from '../manifest/compiled';
import { parseDate } from '../manifest/dates';
import { DEFERRED } from '../manifest/expression';
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
      return settle(v.source.template.valueOfRecord(scope, record), v);
    case 'expression': {
      // Most expressions a manifest holds are compiled and answer at once (expression-compiler.ts).
      const now = v.source.expression.evaluateNow(record, scope);
      if (now !== DEFERRED) return settle(now, v);
      const bindings = Object.fromEntries(Object.entries(scope));
      return v.source.expression.evaluate(record, bindings).then((value) => settle(value, v));
    }
    case 'value':
      return settle(v.source.value, v);
  }
}

/** A scalar as trimmed text, or null (objects and lists are not text). */
export function text(value: unknown): string | null {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? null : trimmed;
  }
  if (Array.isArray(value)) return value.length > 0 ? text(value[0]) : null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return null;
}

/** The texts of `list` into `out`, lists inside it flattened as `flat(3)` does. */
function collectTexts(list: readonly unknown[], depth: number, out: string[]): void {
  for (const item of list) {
    if (Array.isArray(item) && depth < 3) collectTexts(item, depth + 1, out);
    else {
      const t = text(item);
      if (t !== null) out.push(t);
    }
  }
}

/** One value or a list (nested lists flattened) as a list of texts. */
export function texts(value: unknown): string[] {
  if (isMissing(value)) return [];
  const out: string[] = [];
  if (Array.isArray(value)) collectTexts(value, 0, out);
  else {
    const one = text(value);
    if (one !== null) out.push(one);
  }
  return out;
}

function customFields(value: unknown): { key: string; value: unknown }[] {
  if (isMissing(value)) return [];
  if (Array.isArray(value)) {
    const out: { key: string; value: unknown }[] = [];
    for (const item of value) {
      if (typeof item !== 'object' || item === null || !('key' in item)) continue;
      const key = textOf((item as { key: unknown }).key);
      if (key !== '') out.push({ key, value: (item as { value: unknown }).value });
    }
    return out;
  }
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).map(([key, v]) => ({ key, value: v }));
  }
  return [];
}

export type Mapped<T> = { record: T } | { problem: string };

/** A value or a promise of one: what a record costs is a promise only where an expression needs one. */
type Maybe<T> = T | Promise<T>;

/** `next(value)` at once for a value, after it for a promise. */
function then<T, R>(value: Maybe<T>, next: (settled: T) => Maybe<R>): Maybe<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/**
 * The values of the named fields of one record, at once when none is an expression JSONata has to
 * evaluate; otherwise those are awaited, all together: a record costs a few promises rather than
 * one per field, which counts on a page of hundreds of records.
 */
function read<N extends string>(
  fields: Record<string, CompiledValue>,
  names: readonly N[],
  record: unknown,
  scope: Scope,
): Maybe<Record<N, unknown>> {
  const values = {} as Record<N, unknown>;
  let pending: Promise<void>[] | undefined;
  for (const name of names) {
    const v = fields[name];
    if (!v) continue;
    const value = evaluate(v, record, scope);
    if (value instanceof Promise) {
      (pending ??= []).push(value.then((settled: unknown) => void (values[name] = settled)));
    } else {
      values[name] = value;
    }
  }
  return pending ? Promise.all(pending).then(() => values) : values;
}

/** One field of a record (see read). */
function readOne(
  fields: Record<string, CompiledValue>,
  name: string,
  record: unknown,
  scope: Scope,
): unknown {
  const v = fields[name];
  return v ? evaluate(v, record, scope) : undefined;
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
export function toContactKey(
  fields: Record<string, CompiledValue>,
  record: unknown,
  scope: Scope,
): Maybe<Mapped<{ id: string; updatedAt: number }>> {
  const rawId = readOne(fields, 'id', record, scope);
  if (rawId instanceof Promise) {
    return rawId.then((settled) => keyAfterId(fields, record, scope, settled));
  }
  return keyAfterId(fields, record, scope, rawId);
}

function keyAfterId(
  fields: Record<string, CompiledValue>,
  record: unknown,
  scope: Scope,
  rawId: unknown,
): Maybe<Mapped<{ id: string; updatedAt: number }>> {
  const id = text(rawId);
  if (id === null) return { problem: 'no id' };
  const rawUpdated = readOne(fields, 'updated_at', record, scope);
  if (rawUpdated instanceof Promise) {
    return rawUpdated.then((settled) => keyOf(id, settled, fields.updated_at?.format));
  }
  return keyOf(id, rawUpdated, fields.updated_at?.format);
}

function keyOf(
  id: string,
  rawUpdated: unknown,
  format: string | undefined,
): Mapped<{ id: string; updatedAt: number }> {
  const updatedAt = parseDate(rawUpdated, format);
  if (updatedAt === undefined) return { problem: `contact ${id} has no readable updated_at` };
  return { record: { id, updatedAt } };
}

/**
 * The upstream record as a ContactRecord, or why it cannot be one (no id; no readable update
 * time when the sync is incremental). Without an update time a full sync uses 0.
 */
export function toContact(
  fields: Record<string, CompiledValue>,
  record: unknown,
  scope: Scope,
  needsUpdatedAt: boolean,
): Maybe<Mapped<ContactRecord>> {
  return then(readOne(fields, 'id', record, scope), (rawId) => {
    const id = text(rawId);
    if (id === null) return { problem: 'no id' };
    return then(readOne(fields, 'updated_at', record, scope), (rawUpdated) => {
      const updatedAt = parseDate(rawUpdated, fields.updated_at?.format);
      if (updatedAt === undefined && needsUpdatedAt) {
        return { problem: `contact ${id} has no readable updated_at` };
      }
      return then(read(fields, CONTACT_FIELDS, record, scope), (f) => contactOf(id, updatedAt, f));
    });
  });
}

/** The manifest's value of each of CONTACT_FIELDS, in that order (undefined where it has none). */
const contactPlans = new WeakMap<Record<string, CompiledValue>, (CompiledValue | undefined)[]>();

function contactPlan(fields: Record<string, CompiledValue>): (CompiledValue | undefined)[] {
  let plan = contactPlans.get(fields);
  if (!plan) {
    plan = CONTACT_FIELDS.map((name) => (Object.hasOwn(fields, name) ? fields[name] : undefined));
    contactPlans.set(fields, plan);
  }
  return plan;
}

/**
 * The contact of a record whose key (toContactKey) is known already: its other fields only,
 * read as `read` reads them into a list in CONTACT_FIELDS' order (a page maps hundreds).
 */
export function toContactWithKey(
  fields: Record<string, CompiledValue>,
  key: { id: string; updatedAt: number },
  record: unknown,
  scope: Scope,
): Maybe<Mapped<ContactRecord>> {
  const plan = contactPlan(fields);
  const values: unknown[] = new Array(plan.length);
  let pending: Promise<void>[] | undefined;
  for (let i = 0; i < plan.length; i++) {
    const v = plan[i];
    if (v === undefined) continue;
    const value = evaluate(v, record, scope);
    if (value instanceof Promise) {
      (pending ??= []).push(value.then((settled: unknown) => void (values[i] = settled)));
    } else {
      values[i] = value;
    }
  }
  if (pending) return Promise.all(pending).then(() => contactOfList(key.id, key.updatedAt, values));
  return contactOfList(key.id, key.updatedAt, values);
}

/** contactOf over the values of CONTACT_FIELDS in order. */
function contactOfList(id: string, updatedAt: number, v: unknown[]): Mapped<ContactRecord> {
  return {
    record: {
      id,
      updatedAt,
      name: text(v[0]),
      title: text(v[1]),
      company: text(v[2]),
      emails: texts(v[3]),
      phones: texts(v[4]),
      websites: texts(v[5]),
      photoUrl: text(v[6]),
      address: text(v[7]),
      twitter: text(v[8]),
      url: text(v[9]),
      customFields: customFields(v[10]),
    },
  };
}

function contactOf(
  id: string,
  updatedAt: number | undefined,
  f: Record<(typeof CONTACT_FIELDS)[number], unknown>,
): Mapped<ContactRecord> {
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
