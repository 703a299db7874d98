import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { KubeObject } from './kubernetes-models';

/** Kinds that live outside namespaces (the namespace transformer leaves them alone). */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'IngressClass',
]);
const SUPPORTED = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'images', 'patches']);

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every YAML document of a file, as plain objects (duplicate keys are errors). */
export function readYamlDocuments(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'), { uniqueKeys: true })
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
      return doc.toJS() as KubeObject;
    })
    .filter((object) => object !== null);
}

/**
 * A strategic merge patch as kustomize applies it to the fields these manifests use: maps merge
 * key by key, lists of named items (containers, env, volumes, ports) merge by name, anything
 * else is replaced, and null deletes.
 */
export function strategicMerge(base: Json, patch: Json): Json {
  if (isObject(base) && isObject(patch)) {
    const merged: Record<string, Json> = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete merged[key];
      else merged[key] = strategicMerge(base[key], value);
    }
    return merged;
  }
  const named = (list: Json[]) => list.every((item) => isObject(item) && 'name' in item);
  if (Array.isArray(base) && Array.isArray(patch) && named(base) && named(patch)) {
    const merged = [...base] as Record<string, Json>[];
    for (const item of patch as Record<string, Json>[]) {
      const at = merged.findIndex((existing) => existing.name === item.name);
      if (at >= 0) merged[at] = strategicMerge(merged[at], item) as Record<string, Json>;
      else merged.push(item);
    }
    return merged;
  }
  return patch;
}

/** The image reference without its tag or digest. */
function imageName(image: string): string {
  const withoutDigest = image.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
}

function podSpecOf(object: KubeObject): Record<string, Json> | undefined {
  const spec = object.spec as Record<string, Json> | undefined;
  const template = spec?.template as Record<string, Json> | undefined;
  return template?.spec as Record<string, Json> | undefined;
}

/**
 * Renders a kustomization with the subset of kustomize these manifests use (resources, a
 * namespace, image overrides, strategic merge patches), for machines without kubectl.
 * Refuses any other kustomization field rather than render it wrongly.
 */
export function renderPlain(dir: string): KubeObject[] {
  const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Record<
    string,
    Json
  >;
  for (const key of Object.keys(kustomization)) {
    if (!SUPPORTED.has(key)) throw new Error(`${dir}: kustomization field ${key} not supported`);
  }
  let objects: KubeObject[] = [];
  for (const resource of (kustomization.resources ?? []) as string[]) {
    const path = join(dir, resource);
    objects.push(...(statSync(path).isDirectory() ? renderPlain(path) : readYamlDocuments(path)));
  }
  for (const { path } of (kustomization.patches ?? []) as { path: string }[]) {
    for (const patch of readYamlDocuments(join(dir, path))) {
      const at = objects.findIndex(
        (o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name,
      );
      if (at < 0) throw new Error(`${dir}: patch ${path} matches no ${patch.kind}`);
      objects[at] = strategicMerge(objects[at], patch) as KubeObject;
    }
  }
  const namespace = kustomization.namespace as string | undefined;
  if (namespace) {
    objects = objects.map((o) =>
      CLUSTER_SCOPED.has(o.kind) ? o : { ...o, metadata: { ...o.metadata, namespace } },
    );
  }
  for (const override of (kustomization.images ?? []) as {
    name: string;
    newName?: string;
    newTag?: string;
  }[]) {
    for (const object of objects) {
      const pod = podSpecOf(object);
      for (const list of ['initContainers', 'containers']) {
        for (const container of (pod?.[list] ?? []) as { image: string }[]) {
          if (imageName(container.image) !== override.name) continue;
          const tag =
            override.newTag ?? container.image.slice(imageName(container.image).length + 1);
          container.image = `${override.newName ?? override.name}${tag ? `:${tag}` : ''}`;
        }
      }
    }
  }
  return objects;
}

/** `kubectl kustomize` when kubectl is on this machine (it carries kustomize), else undefined. */
export function renderWithKubectl(dir: string): KubeObject[] | undefined {
  const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  if (result.status !== 0) {
    throw new Error(`kubectl kustomize ${dir} failed: ${result.stderr || result.error}`);
  }
  return parseAllDocuments(result.stdout).map((doc) => doc.toJS() as KubeObject);
}

/** Objects keyed `Kind/namespace/name`, for comparing renderings whatever their order. */
export function byKey(objects: KubeObject[]): Record<string, KubeObject> {
  return Object.fromEntries(
    objects.map((o) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]),
  );
}
