import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** The committed spec: the same file whether this runs from src/ (tests) or dist/ (the CLI). */
export const OPENAPI_SPEC_FILE = resolve(__dirname, '../../openapi/openapi.json');

/** Keywords of OpenAPI 3.0 schema objects that JSON Schema does not know; they only annotate. */
const OPENAPI_ANNOTATIONS = ['example', 'xml', 'externalDocs', 'discriminator'];

/** The id under which the spec's components are registered, so `#/components/...` refs resolve. */
const SPEC_ID = 'openapi.json';

interface OpenApiResponse {
  content?: Record<string, { schema?: object }>;
}
interface OpenApiOperation {
  responses?: Record<string, OpenApiResponse>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, object> };
}

/**
 * Where the committed spec is narrower than Talkdesk's contract, the contract wins, so that
 * any bridge can be checked: `context` is "any JSON value" and need not be sent on a last page.
 */
function relaxToContract(spec: OpenApiDocument): OpenApiDocument {
  const copy = structuredClone(spec);
  const page = copy.components?.schemas?.SyncContactsResponse as
    { properties?: Record<string, unknown>; required?: string[] } | undefined;
  if (page?.properties && 'context' in page.properties) {
    page.properties.context = { description: 'Any JSON value (Talkdesk contract)' };
    page.required = (page.required ?? []).filter((name) => name !== 'context');
  }
  return copy;
}

function describe(error: ErrorObject): string {
  const where = error.instancePath ? error.instancePath.slice(1) : '(body)';
  const allowed = error.keyword === 'enum' ? ` ${JSON.stringify(error.params.allowedValues)}` : '';
  return `${where} ${error.message ?? 'is invalid'}${allowed}`;
}

/**
 * Validates response bodies against the response schemas of the committed OpenAPI 3 spec.
 * Ajv reads OpenAPI's `nullable` natively; OpenAPI-only annotation keywords are declared
 * as such, and `$ref`s to `#/components/schemas/...` resolve inside the registered spec.
 */
export class OpenApiContract {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction | null>();

  constructor(private readonly spec: OpenApiDocument) {
    this.ajv = new Ajv({ allErrors: true, strict: true });
    addFormats(this.ajv);
    this.ajv.addVocabulary([...OPENAPI_ANNOTATIONS, 'components']);
    this.ajv.addSchema({ $id: SPEC_ID, components: relaxToContract(spec).components ?? {} });
  }

  static fromFile(file = OPENAPI_SPEC_FILE): OpenApiContract {
    return new OpenApiContract(JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument);
  }

  /** The statuses the spec documents for an operation, e.g. ['200', '400', '401', ...]. */
  statuses(path: string, method: string): string[] {
    return Object.keys(this.operation(path, method).responses ?? {});
  }

  /**
   * Problems of a response body for an operation and status, one line each ("contacts/3/id
   * must be string"); at most `limit` lines. An empty list when it conforms, or when the spec
   * declares no JSON body for that status.
   */
  validate(path: string, method: string, status: number, body: unknown, limit = 10): string[] {
    const validate = this.validator(path, method, status);
    if (!validate || validate(body)) return [];
    const errors = validate.errors ?? [];
    const lines = errors.slice(0, limit).map(describe);
    if (errors.length > limit) lines.push(`... and ${errors.length - limit} more schema errors`);
    return lines;
  }

  private operation(path: string, method: string): OpenApiOperation {
    const operation = this.spec.paths[path]?.[method.toLowerCase()];
    if (!operation) throw new Error(`The OpenAPI spec has no operation ${method} ${path}`);
    return operation;
  }

  private validator(path: string, method: string, status: number): ValidateFunction | null {
    const key = `${method} ${path} ${status}`;
    let validate = this.compiled.get(key);
    if (validate === undefined) {
      const response = this.operation(path, method).responses?.[String(status)];
      const schema = response?.content?.['application/json']?.schema;
      validate = schema ? this.ajv.compile(this.rebase(schema)) : null;
      this.compiled.set(key, validate);
    }
    return validate;
  }

  /** Inline response schemas use refs relative to the spec: point them at the registered one. */
  private rebase(schema: object): object {
    return JSON.parse(
      JSON.stringify(schema).replace(/"\$ref":"#\//g, `"$ref":"${SPEC_ID}#/`),
    ) as object;
  }
}
