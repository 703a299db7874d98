import { spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { KubeObject } from './kubernetes-models';

/** Whether `kubectl kustomize` can run here, and if not, why. */
export type KubectlStatus =
  { available: true; version: string } | { available: false; reason: string };

/** Asks kubectl for its client version once: it carries kustomize (`kubectl kustomize`). */
export function kubectlStatus(): KubectlStatus {
  const result = spawnSync('kubectl', ['version', '--client'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    return {
      available: false,
      reason:
        code === 'ENOENT'
          ? 'kubectl is not installed (the manifests are rendered only by `kubectl kustomize`)'
          : `kubectl could not be run: ${result.error.message}`,
    };
  }
  if (result.status !== 0) {
    return { available: false, reason: `kubectl version --client failed: ${result.stderr}` };
  }
  return { available: true, version: result.stdout.trim().replace(/\n/g, '; ') };
}

/** The objects `kubectl kustomize DIR` renders; throws when it fails. */
export function kustomize(dir: string): KubeObject[] {
  const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  if (result.error || result.status !== 0) {
    throw new Error(`kubectl kustomize ${dir} failed: ${result.stderr || result.error}`);
  }
  return parseAllDocuments(result.stdout, { uniqueKeys: true }).map((doc) => {
    if (doc.errors.length > 0)
      throw new Error(`kubectl kustomize ${dir}: ${doc.errors[0].message}`);
    return doc.toJS() as KubeObject;
  });
}
