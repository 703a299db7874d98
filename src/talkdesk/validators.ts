import { ValidateBy, ValidationOptions } from 'class-validator';

/** A string or a finite number (Talkdesk's `offset` has been seen as both). */
export function IsStringOrNumber(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStringOrNumber',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)),
        defaultMessage: (args) => `${args?.property ?? 'value'} must be a string or a number`,
      },
    },
    options,
  );
}

/** A string array, each element a string (null allowed: Talkdesk sends nulls for unknown values). */
export function IsStringArray(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStringArray',
      validator: {
        validate: (value: unknown) =>
          Array.isArray(value) && value.every((v) => typeof v === 'string' || v === null),
        defaultMessage: (args) => `${args?.property ?? 'value'} must be an array of strings`,
      },
    },
    options,
  );
}
