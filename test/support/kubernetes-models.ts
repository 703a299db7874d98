import { join } from 'node:path';
import * as ts from 'typescript';

/** A Kubernetes object as written in a manifest. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

interface ModelModule {
  /** kubernetes-models' module for the kind, e.g. `kubernetes-models/apps/v1/Deployment`. */
  module: string;
  kind: string;
}

/** API groups whose models are in a package of their own (custom resources). */
const GROUP_PACKAGES: Record<string, string> = {
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};

/**
 * The kubernetes-models module of an apiVersion and kind (core kinds live under `v1`); the
 * Prometheus Operator's kinds come from `@kubernetes-models/prometheus-operator`.
 */
export function modelModule(object: Pick<KubeObject, 'apiVersion' | 'kind'>): ModelModule {
  const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
  const pkg = GROUP_PACKAGES[group] ?? 'kubernetes-models';
  return { module: `${pkg}/${object.apiVersion}/${object.kind}`, kind: object.kind };
}

/**
 * Validates each object against the OpenAPI schema of its kind that kubernetes-models bundles
 * (types, enumerations, required fields, formats); answers the errors, object by object.
 */
export function schemaErrors(objects: KubeObject[]): string[] {
  const errors: string[] = [];
  for (const object of objects) {
    const { module, kind } = modelModule(object);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Model = (require(module) as Record<string, new (data: unknown) => { validate(): void }>)[
      kind
    ];
    if (!Model) {
      errors.push(`${object.apiVersion} ${kind}: not a kind kubernetes-models knows`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (error) {
      errors.push(`${kind}/${object.metadata?.name}: ${(error as Error).message}`);
    }
  }
  return errors;
}

/**
 * Unknown fields (a misspelt `readinesProbe` is valid for the OpenAPI schemas, which allow extra
 * properties, and silently ignored by a cluster): each object is type-checked as an object
 * literal of its kind's TypeScript interface from kubernetes-models, whose excess-property
 * checks reject any field the API does not define, at any depth.
 */
export function unknownFieldErrors(objects: KubeObject[], root: string): string[] {
  const fileName = join(root, 'test', '__manifests__.ts');
  const lines: string[] = [];
  objects.forEach((object, i) => {
    const { module, kind } = modelModule(object);
    lines.push(`import type { I${kind} as T${i} } from '${module}';`);
    lines.push(`export const m${i}: T${i} = ${JSON.stringify(object)};`);
  });
  const source = lines.join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: [],
    lib: ['lib.es2022.d.ts'],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) =>
    name === fileName
      ? ts.createSourceFile(name, source, version)
      : getSourceFile(name, version, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === fileName || fileExists(name);
  const program = ts.createProgram([fileName], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const line =
      d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
    const object = line >= 0 ? objects[Math.floor(line / 2)] : undefined;
    return object ? `${object.kind}/${object.metadata?.name}: ${text}` : text;
  });
}
