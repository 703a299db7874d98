import Type, { Static, TObject, TSchema, TUnsafe } from 'typebox';

/**
 * The few helpers the manifest schema is written with (TypeBox: each schema is both a JSON
 * Schema and, through `Static`, the TypeScript type of what it accepts). A named definition is
 * written once and emitted once, under `definitions`, every use of it a `$ref`.
 */

const DEFINITION = Symbol('manifest definition');

type Marked = { [DEFINITION]?: string };

/** Names a schema: emitted under `definitions.<name>`, its uses as `$ref`s. */
export function definition<T extends TSchema>(name: string, schema: T): T {
  (schema as Marked)[DEFINITION] = name;
  return schema;
}

/** A use of a definition with its own description (the reference's text for that key). */
export function described<T extends TSchema>(schema: T, description: string): T {
  const copy = Object.create(
    Object.getPrototypeOf(schema) as object,
    Object.getOwnPropertyDescriptors(schema),
  ) as T & { description?: string };
  copy.description = description;
  return copy;
}

export const definitionName = (schema: unknown): string | undefined =>
  typeof schema === 'object' && schema !== null ? (schema as Marked)[DEFINITION] : undefined;

/** A string holding a template (`{{ root.path }}` placeholders) or a path. */
export const template = (
  description: string,
  options: { default?: string; minLength?: number } = {},
) => Type.String({ description, ...options });

/** A list of HTTP statuses. */
export const statuses = (description: string, defaults?: readonly number[]) =>
  Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), {
    description,
    ...(defaults && { default: [...defaults] }),
  });

/** An enumeration of strings (`enum` in the JSON Schema, a union of literals as a type). */
export const oneOf = <const T extends readonly string[]>(
  values: T,
  description?: string,
  defaults?: T[number],
) =>
  Type.Unsafe<T[number]>({
    enum: [...values],
    ...(defaults !== undefined && { default: defaults }),
    ...(description !== undefined && { description }),
  });

/** An object of arbitrary keys whose values all have one schema. */
export const mapOf = <V extends TSchema>(description: string, values: V) =>
  Type.Unsafe<Record<string, Static<V>>>({
    type: 'object',
    description,
    additionalProperties: values,
  });

/** A strict object: unknown keys are mistakes. */
export const strict = <P extends Record<string, TSchema>>(
  properties: P,
  options: { description?: string; [key: string]: unknown } = {},
) => Type.Object(properties, { additionalProperties: false, ...options });

/**
 * One object whose `type` says which of `variants` it is: emitted as one object (every
 * variant's keys, `type` an enum, and each variant's required keys as `if type = … then
 * required`), so that a mistake is reported against the keys the writer meant; its type is the
 * union of the variants.
 */
export function byType<V extends TObject[]>(
  variants: [...V],
  options: { description: string; typeDescription: string; required?: string[] },
): TUnsafe<Static<V[number]>> {
  const names: string[] = [];
  const properties: Record<string, unknown> = {};
  const allOf: unknown[] = [];
  for (const variant of variants) {
    const { type, ...rest } = variant.properties as Record<string, { const?: unknown }>;
    names.push(String(type.const));
    for (const [key, schema] of Object.entries(rest)) properties[key] ??= schema;
    const needed = (variant.required ?? []).filter((key: string) => key !== 'type');
    if (needed.length > 0) {
      allOf.push({
        if: { properties: { type: { const: type.const } } },
        then: { required: needed },
      });
    }
  }
  return Type.Unsafe<Static<V[number]>>({
    type: 'object',
    description: options.description,
    required: ['type'],
    additionalProperties: false,
    properties: { type: { enum: names, description: options.typeDescription }, ...properties },
    allOf,
  });
}

/** A variant of `byType`. */
export const variant = <const N extends string, P extends Record<string, TSchema>>(
  name: N,
  properties: P,
) => Type.Object({ type: Type.Literal(name), ...properties });

/** The default a schema declares for one of its keys (the only place defaults are written). */
export function defaultOf<T extends TObject, K extends keyof T['properties'] & string>(
  schema: T,
  key: K,
): Exclude<Static<T>[K], undefined> {
  const property = (schema.properties as Record<string, { default?: unknown }>)[key];
  if (property?.default === undefined)
    throw new Error(`The manifest schema has no default for ${key}`);
  return structuredClone(property.default) as Exclude<Static<T>[K], undefined>;
}

/** Keys a reader looks for first come first in the emitted schema (others keep their order). */
const FIRST_KEYS = ['title', 'description', 'type', 'const', 'enum', 'default', 'required'];
const rank = (key: string) => {
  const i = FIRST_KEYS.indexOf(key);
  return i < 0 ? FIRST_KEYS.length : i;
};

/**
 * The schema as plain JSON Schema (draft-07): every named definition under `definitions`,
 * each use of it replaced by a `$ref` (with the use's own description when it has one).
 */
export function toJsonSchema(root: TSchema, definitions: TSchema[], header: object): object {
  const emit = (schema: unknown, top = false): unknown => {
    if (Array.isArray(schema)) return schema.map((item) => emit(item));
    if (typeof schema !== 'object' || schema === null) return schema;
    const name = definitionName(schema);
    if (name && !top) {
      const own = (schema as { description?: string }).description;
      const original = definitions.find((d) => definitionName(d) === name) as
        { description?: string } | undefined;
      return {
        $ref: `#/definitions/${name}`,
        ...(own !== undefined && own !== original?.description && { description: own }),
      };
    }
    return Object.fromEntries(
      Object.entries(schema as Record<string, unknown>)
        .sort(([a], [b]) => rank(a) - rank(b))
        .map(([key, value]) => [key, key === 'properties' ? emitMap(value) : emit(value)]),
    );
  };
  // A map of keys to schemas (`properties`) keeps the order its keys were written in.
  const emitMap = (map: unknown) =>
    Object.fromEntries(
      Object.entries(map as Record<string, unknown>).map(([key, value]) => [key, emit(value)]),
    );
  return {
    ...header,
    ...(emit(root, true) as object),
    definitions: Object.fromEntries(definitions.map((d) => [definitionName(d)!, emit(d, true)])),
  };
}
