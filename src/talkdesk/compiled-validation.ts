import { getMetadataStorage, ValidationArguments, ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

/** True when class-validator would find nothing wrong with the object. */
export type ValidityCheck = (object: object) => boolean;

type Constraint = (value: unknown, args: ValidationArguments) => unknown;

interface PropertyCheck {
  name: string;
  conditions: ((object: object, value: unknown) => boolean)[];
  rules: { validate: Constraint; constraints: unknown[] }[];
  nested: boolean;
}

const USABLE_TYPES: ReadonlySet<string> = new Set([
  ValidationTypes.IS_DEFINED,
  ValidationTypes.CONDITIONAL_VALIDATION,
  ValidationTypes.CUSTOM_VALIDATION,
  ValidationTypes.NESTED_VALIDATION,
]);

const checks = new WeakMap<object, ValidityCheck | null>();

/**
 * A class's class-validator rules, worked out once, as one function that says whether an object
 * passes them all. class-validator itself looks up every rule of the class again on each call
 * (scanning the rules of every class for inheritance) and builds an error record per property
 * even when nothing is wrong: on a small webhook body that was most of the validation's cost.
 *
 * The check calls the same constraint functions with the same arguments, in the executor's order,
 * so it accepts exactly what class-validator accepts; when it says no, class-validator runs as
 * before and words the error. Only the rules the bridge's DTOs use are handled (defined,
 * optional/conditional, synchronous custom and built-in constraints, nested objects); a class with
 * any other (groups, `each`, async constraints, promises, schemas, contexts) gets no check (null)
 * and is always validated by class-validator. It assumes the bridge's validator options (no
 * groups, no whitelist, unknown values allowed, nothing skipped).
 */
export function validityCheckOf(target: object): ValidityCheck | null {
  if (checks.has(target)) return checks.get(target) ?? null;
  checks.set(target, null); // a class nested in itself is left to class-validator
  const check = compile(target);
  checks.set(target, check);
  return check;
}

function compile(target: object): ValidityCheck | null {
  if (typeof target !== 'function') return null;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- class-validator's own type
  const cls = target as Function;
  const storage = getMetadataStorage();
  const metadatas: ValidationMetadata[] = storage.getTargetValidationMetadatas(
    cls,
    '',
    false,
    false,
    undefined,
  );
  const byProperty = new Map<string, PropertyCheck>();
  for (const m of metadatas) {
    if (
      !USABLE_TYPES.has(m.type) ||
      typeof m.target === 'string' ||
      m.each ||
      m.always !== undefined ||
      (m.groups && m.groups.length > 0) ||
      m.context !== undefined ||
      m.validateIf !== undefined
    ) {
      return null;
    }
    let property = byProperty.get(m.propertyName);
    if (!property) {
      property = { name: m.propertyName, conditions: [], rules: [], nested: false };
      byProperty.set(m.propertyName, property);
    }
    if (m.type === ValidationTypes.CONDITIONAL_VALIDATION) {
      property.conditions.push(m.constraints[0] as (object: object, value: unknown) => boolean);
    } else if (m.type === ValidationTypes.NESTED_VALIDATION) {
      property.nested = true;
    } else {
      for (const constraint of storage.getTargetValidatorConstraints(m.constraintCls)) {
        if (constraint.async) return null;
        const instance = constraint.instance as { validate: Constraint };
        property.rules.push({
          validate: instance.validate.bind(instance),
          constraints: m.constraints,
        });
      }
    }
  }
  // The executor runs the "defined" rules before the others; the order matters only for which
  // error is reported, never for whether there is one.
  const properties = [...byProperty.values()];
  return (object) => properties.every((p) => passes(object, p));
}

function passes(object: object, property: PropertyCheck): boolean {
  const value = (object as Record<string, unknown>)[property.name];
  for (const condition of property.conditions) if (!condition(object, value)) return true;
  if (property.rules.length > 0) {
    const args: ValidationArguments = {
      targetName: object.constructor?.name,
      property: property.name,
      object,
      value,
      constraints: [],
    };
    for (const rule of property.rules) {
      args.constraints = rule.constraints;
      const valid = rule.validate(value, args);
      if (!valid || isThenable(valid)) return false;
    }
  }
  if (property.nested && value !== undefined) {
    // Arrays, sets and maps of nested objects, and primitives, are left to class-validator.
    if (
      !(value instanceof Object) ||
      Array.isArray(value) ||
      value instanceof Set ||
      value instanceof Map
    ) {
      return false;
    }
    const nested = validityCheckOf(value.constructor);
    if (!nested || !nested(value)) return false;
  }
  return true;
}

function isThenable(value: unknown): boolean {
  return typeof (value as { then?: unknown }).then === 'function';
}
