import Ajv, { ErrorObject } from 'ajv';
import { MANIFEST_SCHEMA } from './manifest.schema';

/** The schema's mistakes in a manifest, each as "path: what was expected". */

let validator: ReturnType<Ajv['compile']> | undefined;

export function validate(document: unknown): ErrorObject[] {
  validator ??= new Ajv({ allErrors: true, verbose: true, strict: false }).compile(MANIFEST_SCHEMA);
  return validator(document) ? [] : [...(validator.errors ?? [])];
}

/** `/actions/0/inputs/1/key` → `actions[0].inputs[1].key`. */
function dotted(pointer: string): string {
  if (!pointer) return '(top level)';
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (out, part) => (/^\d+$/.test(part) ? `${out}[${part}]` : out ? `${out}.${part}` : part),
      '',
    );
}

const join = (base: string, key: string) => (base === '(top level)' ? key : `${base}.${key}`);

/** ajv's errors as "path: what was expected" lines, without the noise of its combinators. */
export function describeSchemaErrors(errors: ErrorObject[]): string[] {
  const out: string[] = [];
  for (const error of errors) {
    const at = dotted(error.instancePath);
    const params = error.params as Record<string, unknown>;
    switch (error.keyword) {
      case 'if':
        continue;
      case 'required':
        if (error.schemaPath.includes('/anyOf/')) continue;
        out.push(`${join(at, String(params.missingProperty))}: is required`);
        continue;
      case 'anyOf': {
        const options = (error.schema as { required?: string[] }[])
          .flatMap((s) => s.required ?? [])
          .join(' or ');
        out.push(`${at}: needs ${options || 'one of the allowed shapes'}`);
        continue;
      }
      case 'additionalProperties': {
        const known = Object.keys(
          ((error.parentSchema as { properties?: object })?.properties ?? {}) as object,
        );
        out.push(
          `${join(at, String(params.additionalProperty))}: unknown key${known.length ? ` (expected one of: ${known.join(', ')})` : ''}`,
        );
        continue;
      }
      case 'enum':
        out.push(
          `${at}: must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')} (got ${JSON.stringify(error.data)})`,
        );
        continue;
      case 'const':
        out.push(`${at}: must be ${JSON.stringify(params.allowedValue)}`);
        continue;
      case 'type':
        out.push(
          `${at}: must be ${String(params.type).replace(',', ' or ')} (got ${kindOf(error.data)})`,
        );
        continue;
      default:
        out.push(`${at}: ${error.message ?? 'is not valid'}`);
    }
  }
  return [...new Set(out)];
}

const kindOf = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value;
