import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ENVIRONMENT, loadConfig } from '../../src/config/app-config';
import { KubeObject, schemaErrors, unknownFieldErrors } from '../support/kubernetes-models';
import { kubectlStatus, kustomize } from '../support/kustomize';

const ROOT = resolve(__dirname, '../..');
const BASE = join(ROOT, 'deploy/kubernetes/base');
const OVERLAY = join(ROOT, 'deploy/kubernetes/overlays/production');

/** Settings that are not the bridge's own but Node.js's. */
const NODE_SETTINGS = ['NODE_ENV', 'NODE_OPTIONS'];

const find = (objects: KubeObject[], kind: string): any => {
  const found = objects.filter((o) => o.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
};

const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

// The manifests are rendered by kustomize itself (`kubectl kustomize`): without kubectl these
// tests cannot run, and say so rather than pass.
const kubectl = kubectlStatus();
if (!kubectl.available) {
  process.stderr.write(`SKIPPED: Kubernetes manifests (deploy/kubernetes): ${kubectl.reason}\n`);
}
const describeIfKubectl = kubectl.available ? describe : describe.skip;

describeIfKubectl('Kubernetes manifests (deploy/kubernetes)', () => {
  let objects: KubeObject[];

  beforeAll(() => {
    objects = kustomize(OVERLAY);
  });

  it('the production overlay renders every object the bridge needs', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(
      [
        'ConfigMap',
        'Deployment',
        'HorizontalPodAutoscaler',
        'Ingress',
        'Namespace',
        'PodDisruptionBudget',
        'Secret',
        'Service',
        'ServiceAccount',
      ].sort(),
    );
    for (const object of objects.filter((o) => o.kind !== 'Namespace')) {
      expect(object.metadata.namespace).toBe('talkdesk-bridge');
    }
  });

  it('every object of the base and the overlay is valid for the Kubernetes API schemas', () => {
    expect(schemaErrors(kustomize(BASE))).toEqual([]);
    expect(schemaErrors(objects)).toEqual([]);
  });

  it('no object has a field the Kubernetes API does not define', () => {
    expect(unknownFieldErrors(objects, ROOT)).toEqual([]);
  });

  it('the checks catch a wrong type and a misspelt field (they are not vacuous)', () => {
    const wrongType = structuredClone(objects);
    find(wrongType, 'Deployment').spec.template.spec.containers[0].resources.limits.cpu = {
      cores: 1,
    };
    expect(schemaErrors(wrongType).join('\n')).toMatch(/limits\/cpu/);
    const misspelt = structuredClone(objects);
    const container = find(misspelt, 'Deployment').spec.template.spec.containers[0];
    container.readinesProbe = container.readinessProbe;
    expect(schemaErrors(misspelt)).toEqual([]);
    expect(unknownFieldErrors(misspelt, ROOT).join('\n')).toMatch(/readinesProbe/);
  });

  describe('Deployment', () => {
    let deployment: any;
    let pod: any;
    let container: any;
    let settings: Record<string, string>;
    let secrets: Record<string, string>;

    beforeAll(() => {
      deployment = find(objects, 'Deployment');
      pod = deployment.spec.template.spec;
      expect(pod.containers).toHaveLength(1);
      container = pod.containers[0];
      settings = find(objects, 'ConfigMap').data;
      secrets = find(objects, 'Secret').stringData;
    });

    it('probes liveness, readiness and start-up on the health endpoints', () => {
      const port = container.ports.find((p: any) => p.name === 'http');
      expect(String(port.containerPort)).toBe(settings.PORT);
      expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      expect(container.startupProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      // Start-up (migrations) gets longer than liveness would allow.
      const startupSeconds =
        container.startupProbe.periodSeconds * container.startupProbe.failureThreshold;
      expect(startupSeconds).toBeGreaterThanOrEqual(30);
    });

    it('requests and limits CPU and memory', () => {
      const { requests, limits } = container.resources;
      for (const resource of ['cpu', 'memory']) {
        expect(requests[resource]).toBeDefined();
        expect(limits[resource]).toBeDefined();
      }
      const cpu = (q: string) => (q.endsWith('m') ? Number(q.slice(0, -1)) / 1000 : Number(q));
      const mib = (q: string) => Number(q.replace(/Mi$/, '')) * (q.endsWith('Gi') ? 1024 : 1);
      expect(cpu(requests.cpu)).toBeLessThanOrEqual(cpu(limits.cpu));
      expect(mib(requests.memory)).toBeLessThanOrEqual(mib(limits.memory));
      // The V8 heap cap leaves room under the memory limit.
      const heap = Number(/--max-old-space-size=(\d+)/.exec(settings.NODE_OPTIONS)?.[1]);
      expect(heap).toBeLessThan(mib(limits.memory));
    });

    it('runs restricted: non-root, read-only root file system, no privilege, no capability', () => {
      expect(pod.securityContext).toEqual(
        expect.objectContaining({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }),
      );
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(container.securityContext).toEqual(
        expect.objectContaining({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        }),
      );
      expect(find(objects, 'Namespace').metadata.labels).toEqual(
        expect.objectContaining({ 'pod-security.kubernetes.io/enforce': 'restricted' }),
      );
    });

    it('agrees with the image: its user, port and DATA_DIR', () => {
      const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
      const [uid, gid] = (/^USER (\d+):(\d+)$/m.exec(dockerfile) ?? []).slice(1).map(Number);
      expect(pod.securityContext.runAsUser).toBe(uid);
      expect(pod.securityContext.runAsGroup).toBe(gid);
      expect(dockerfile).toMatch(new RegExp(`^EXPOSE ${settings.PORT}$`, 'm'));
      expect(dockerfile).toMatch(new RegExp(`DATA_DIR=${settings.DATA_DIR}$`, 'm'));
    });

    it('writes only to emptyDir volumes: /tmp and DATA_DIR', () => {
      const mounts = Object.fromEntries(
        container.volumeMounts.map((m: any) => [m.mountPath, m.name]),
      );
      expect(Object.keys(mounts).sort()).toEqual(['/tmp', settings.DATA_DIR].sort());
      for (const name of Object.values(mounts)) {
        const volume = pod.volumes.find((v: any) => v.name === name);
        expect(volume.emptyDir).toBeDefined();
      }
    });

    it('takes settings from the ConfigMap and DATABASE_URL, REDIS_URL, TOKEN_SECRET from the Secret', () => {
      expect(container.envFrom).toEqual([
        { configMapRef: { name: find(objects, 'ConfigMap').metadata.name } },
        { secretRef: { name: find(objects, 'Secret').metadata.name } },
      ]);
      expect(container.env).toBeUndefined();
      expect(Object.keys(secrets).sort()).toEqual(['DATABASE_URL', 'REDIS_URL', 'TOKEN_SECRET']);
      // Shared by every replica: without it each pod would refuse the others' tokens.
      expect(secrets.TOKEN_SECRET.length).toBeGreaterThanOrEqual(32);
      expect(secrets.DATABASE_URL).toMatch(/^postgres:\/\/[^:]+:[^@]+@[^:/]+:5432\/\w+$/);
      expect(secrets.REDIS_URL).toMatch(/^redis:\/\//);
      for (const key of Object.keys(settings)) {
        expect([...Object.values(ENVIRONMENT), ...NODE_SETTINGS]).toContain(key);
      }
      // The values are valid settings of the bridge.
      expect(() => loadConfig({ ...settings, ...secrets })).not.toThrow();
      expect(loadConfig(settings).seedDemo).toBe(false);
    });

    it('drains before it is killed: preStop pause + SHUTDOWN_GRACE_MS < terminationGracePeriodSeconds', () => {
      const command = container.lifecycle.preStop.exec.command;
      expect(command[0]).toBe('sleep');
      const pauseMs = Number(command[1]) * 1000;
      expect(pauseMs).toBeGreaterThan(0);
      const graceMs = loadConfig(settings).shutdownGraceMs;
      expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(pauseMs + graceMs);
    });

    it('rolls out without losing capacity and leaves the replica count to the autoscaler', () => {
      expect(deployment.spec.replicas).toBeUndefined();
      expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
      expect(
        matches(deployment.spec.selector.matchLabels, deployment.spec.template.metadata.labels),
      ).toBe(true);
      expect(container.image).toBe('registry.example.com/talkdesk-bridge:0.2.0');
      expect(container.image).not.toMatch(/:latest$/);
    });

    it('is scraped by Prometheus at /metrics', () => {
      const annotations = deployment.spec.template.metadata.annotations;
      expect(annotations['prometheus.io/path']).toBe('/metrics');
      expect(annotations['prometheus.io/port']).toBe(settings.PORT);
      expect(settings.METRICS_ENABLED).toBe('true');
    });
  });

  it('the Service selects the pods and targets their named port', () => {
    const service = find(objects, 'Service');
    const deployment = find(objects, 'Deployment');
    expect(matches(service.spec.selector, deployment.spec.template.metadata.labels)).toBe(true);
    const names = deployment.spec.template.spec.containers[0].ports.map((p: any) => p.name);
    for (const port of service.spec.ports) expect(names).toContain(port.targetPort);
  });

  it('the HorizontalPodAutoscaler (autoscaling/v2) scales the Deployment on CPU', () => {
    const hpa = find(objects, 'HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: find(objects, 'Deployment').metadata.name,
    });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
    expect(hpa.spec.metrics).toEqual([
      expect.objectContaining({
        type: 'Resource',
        resource: { name: 'cpu', target: expect.objectContaining({ type: 'Utilization' }) },
      }),
    ]);
  });

  it('the PodDisruptionBudget covers the pods and keeps one serving', () => {
    const pdb = find(objects, 'PodDisruptionBudget');
    const labels = find(objects, 'Deployment').spec.template.metadata.labels;
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(matches(pdb.spec.selector.matchLabels, labels)).toBe(true);
    expect(pdb.spec.minAvailable).toBeGreaterThanOrEqual(1);
    expect(pdb.spec.minAvailable).toBeLessThan(
      find(objects, 'HorizontalPodAutoscaler').spec.minReplicas,
    );
  });

  it('the Ingress publishes every webhook over TLS, and not /metrics, /health or /docs', () => {
    const ingress = find(objects, 'Ingress');
    const service = find(objects, 'Service');
    const [rule] = ingress.spec.rules;
    expect(ingress.spec.tls).toEqual([{ hosts: [rule.host], secretName: expect.any(String) }]);
    const prefixes: string[] = [];
    for (const path of rule.http.paths) {
      expect(path.pathType).toBe('Prefix');
      expect(path.backend.service.name).toBe(service.metadata.name);
      expect(service.spec.ports.map((p: any) => p.name)).toContain(path.backend.service.port.name);
      prefixes.push(path.path);
    }
    const published = (url: string) =>
      prefixes.some((prefix) => url === prefix || url.startsWith(`${prefix}/`));
    const spec = JSON.parse(readFileSync(join(ROOT, 'openapi/openapi.json'), 'utf8'));
    const paths = Object.keys(spec.paths);
    const internal = paths.filter((p) => /^\/(health|metrics|docs)\b/.test(p));
    expect(internal.length).toBeGreaterThan(0);
    for (const path of paths)
      expect([path, published(path)]).toEqual([path, !internal.includes(path)]);
    for (const path of ['/docs', '/docs-json']) expect(published(path)).toBe(false);
  });
});
