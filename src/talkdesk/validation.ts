import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import type { ValidatorOptions } from 'class-validator';
import { validityCheckOf } from './compiled-validation';
import { BridgeError } from './contract/errors';

/** "meta.offset must be a string or a number" for each broken field, never echoing values. */
export function describeValidationErrors(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((text) =>
      // class-validator starts each message with the bare property name
      text.startsWith(`${error.property} `)
        ? `${path}${text.slice(error.property.length)}`
        : `${path}: ${text}`,
    );
    return [...own, ...describeValidationErrors(error.children ?? [], path)];
  });
}

/** Validates DTOs, after making sure a body is a JSON object at all (not an array, string or number). */
class TalkdeskValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (
      metadata.type === 'body' &&
      (typeof value !== 'object' || value === null || Array.isArray(value))
    ) {
      throw new BridgeError('body_not_object', 'The request body must be a JSON object');
    }
    return super.transform(value, metadata);
  }

  /**
   * A request's values come from the JSON parser or the URL: never a Buffer or typed array, which
   * NestJS looks for in every nested object (reading the class's rules again on each request).
   */
  protected override findNestedBinaryValues(): ValidationError[] {
    return [];
  }

  /** A valid body passes the DTO's compiled check; anything else gets class-validator's errors. */
  protected override validate(
    object: object,
    validatorOptions?: ValidatorOptions,
  ): Promise<ValidationError[]> | ValidationError[] {
    const check = validityCheckOf(object.constructor);
    if (check?.(object)) return [];
    return super.validate(object, validatorOptions);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new TalkdeskValidationPipe({
    transform: true,
    // Talkdesk may add fields; unknown ones are ignored rather than refused.
    whitelist: false,
    forbidUnknownValues: false,
    stopAtFirstError: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      new BridgeError(
        'validation_failed',
        describeValidationErrors(errors).join('; ') || 'Invalid request body',
      ),
  });
}
