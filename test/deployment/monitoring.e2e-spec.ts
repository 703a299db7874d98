import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Histogram, Summary } from 'prom-client';
import { parse, stringify } from 'yaml';
import { MetricsService } from '../../src/metrics/metrics.service';
import { KubeObject, schemaErrors, unknownFieldErrors } from '../support/kubernetes-models';
import { kubectlStatus, kustomize } from '../support/kustomize';
import { promtool } from '../support/promtool';
import { selectorsOf } from '../support/promql';
import { startTestApp, TestApp } from '../support/test-app';

const ROOT = resolve(__dirname, '../..');
const COMPONENT = join(ROOT, 'deploy/kubernetes/components/monitoring');
const OVERLAY = join(ROOT, 'deploy/kubernetes/overlays/production-monitoring');
const PRODUCTION = join(ROOT, 'deploy/kubernetes/overlays/production');
const RULES_FILE = 'talkdesk-bridge.rules.yaml';

/** The labels a ServiceMonitor scrape adds to every series of a target. */
const TARGET_LABELS = ['namespace', 'job', 'pod', 'instance', 'service', 'endpoint', 'container'];

/** The alerts the operators asked for, each with a promtool unit test. */
const ALERTS = [
  'TalkdeskBridgeWebhookErrors',
  'TalkdeskBridgeSyncPagesSlow',
  'TalkdeskBridgeCircuitBreakerOpen',
  'TalkdeskBridgeUpstreamRateLimited',
  'TalkdeskBridgeRedisUnreachable',
  'TalkdeskBridgeExternalSystemDown',
  'TalkdeskBridgeTokenSecretNotShared',
];

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
}

const only = (objects: KubeObject[], kind: string, name?: string): any => {
  const found = objects.filter((o) => o.kind === kind && (!name || o.metadata.name === name));
  expect(found).toHaveLength(1);
  return found[0];
};

const kubectl = kubectlStatus();
if (!kubectl.available) {
  process.stderr.write(`SKIPPED: monitoring manifests (kustomize): ${kubectl.reason}\n`);
}
const describeIfKubectl = kubectl.available ? describe : describe.skip;

describeIfKubectl('Monitoring (deploy/kubernetes/components/monitoring)', () => {
  let objects: KubeObject[];
  let rules: Rule[];
  let dashboard: any;
  /** Every series name the bridge exports, with the label names it carries. */
  const exported = new Map<string, Set<string>>();
  let app: TestApp;

  beforeAll(async () => {
    objects = kustomize(OVERLAY);
    const rule = only(objects, 'PrometheusRule');
    rules = (rule.spec.groups as { rules: Rule[] }[]).flatMap((g) => g.rules);
    dashboard = JSON.parse(readFileSync(join(COMPONENT, 'grafana-dashboard.json'), 'utf8'));
    // The registry of a running bridge: whatever any of its modules registered.
    app = await startTestApp();
    const { registry } = app.app.get(MetricsService);
    for (const metric of registry.getMetricsAsArray()) {
      const { name } = metric;
      const labels = new Set([...TARGET_LABELS, ...((metric as any).labelNames as string[])]);
      const suffixes =
        metric instanceof Histogram
          ? ['_bucket', '_sum', '_count']
          : metric instanceof Summary
            ? ['', '_sum', '_count']
            : [''];
      for (const suffix of suffixes) {
        exported.set(
          `${name}${suffix}`,
          suffix === '_bucket' ? new Set([...labels, 'le']) : labels,
        );
      }
    }
  }, 60_000);
  afterAll(() => app?.close());

  /** Each selector of `expression` that names no exported series, or a label it does not carry. */
  function unknownReferences(expression: string): string[] {
    return selectorsOf(expression).flatMap(({ metric, labels }) => {
      const known = exported.get(metric);
      if (!known) return [`${metric}: not a metric the bridge exports`];
      return labels.filter((l) => !known.has(l)).map((l) => `${metric}: no label ${l}`);
    });
  }

  it('the overlay is the production installation plus a ServiceMonitor, the rules and the dashboard', () => {
    const production = kustomize(PRODUCTION);
    const key = (o: KubeObject) => `${o.kind}/${o.metadata.name}`;
    expect(objects.map(key).sort()).toEqual(
      [
        ...production.map(key),
        'ServiceMonitor/talkdesk-bridge',
        'PrometheusRule/talkdesk-bridge',
        'ConfigMap/talkdesk-bridge-grafana-dashboard',
      ].sort(),
    );
    for (const object of objects.filter((o) => o.kind !== 'Namespace')) {
      expect(object.metadata.namespace).toBe('talkdesk-bridge');
    }
  });

  it('the Prometheus Operator objects are valid for its CRDs, with no unknown field', () => {
    const monitoring = objects.filter((o) => o.apiVersion.startsWith('monitoring.coreos.com/'));
    expect(monitoring).toHaveLength(2);
    expect(schemaErrors(objects)).toEqual([]);
    expect(unknownFieldErrors(monitoring, ROOT)).toEqual([]);
    // The checks are not vacuous: a wrong type and a misspelt field are caught.
    const broken = structuredClone(only(monitoring, 'ServiceMonitor'));
    broken.spec.endpoints = 'http';
    expect(schemaErrors([broken]).join('\n')).toMatch(/spec\/endpoints must be array/);
    const misspelt = structuredClone(only(monitoring, 'PrometheusRule'));
    misspelt.spec.groups[0].rules[0].expresion = misspelt.spec.groups[0].rules[0].expr;
    expect(unknownFieldErrors([misspelt], ROOT).join('\n')).toMatch(/expresion/);
  });

  it('the ServiceMonitor scrapes GET /metrics on a port of the Service', () => {
    const monitor = only(objects, 'ServiceMonitor');
    const service = only(objects, 'Service');
    for (const [label, value] of Object.entries(monitor.spec.selector.matchLabels)) {
      expect(service.metadata.labels[label]).toBe(value);
    }
    expect(monitor.spec.endpoints).toHaveLength(1);
    const [endpoint] = monitor.spec.endpoints;
    expect(service.spec.ports.map((p: any) => p.name)).toContain(endpoint.port);
    const openapi = JSON.parse(readFileSync(join(ROOT, 'openapi/openapi.json'), 'utf8'));
    expect(openapi.paths[endpoint.path]?.get).toBeDefined();
  });

  it('promtool checks the rules and passes their unit tests, one at least for every alert', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    try {
      const spec = only(objects, 'PrometheusRule').spec;
      writeFileSync(join(dir, RULES_FILE), stringify(spec));
      copyFileSync(join(COMPONENT, 'alerts.test.yaml'), join(dir, 'alerts.test.yaml'));
      const check = promtool(['check', 'rules', RULES_FILE], dir);
      expect(check.output).toMatch(new RegExp(`SUCCESS: ${rules.length} rules found`));
      expect(check.status).toBe(0);
      const test = promtool(['test', 'rules', 'alerts.test.yaml'], dir);
      expect(test.output).toMatch(/SUCCESS/);
      expect(test.status).toBe(0);
      // The unit tests are not vacuous: a weaker threshold fails them.
      writeFileSync(join(dir, RULES_FILE), stringify(spec).replace(/\) > 8\b/, ') > 9.5'));
      const weakened = promtool(['test', 'rules', 'alerts.test.yaml'], dir);
      expect(weakened.status).toBe(1);
      expect(weakened.output).toMatch(/alertname: TalkdeskBridgeSyncPagesSlow/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const tests = parse(readFileSync(join(COMPONENT, 'alerts.test.yaml'), 'utf8')) as {
      tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
    };
    const fired = new Set(
      tests.tests
        .flatMap((t) => t.alert_rule_test)
        .filter((t) => t.exp_alerts.length > 0)
        .map((t) => t.alertname),
    );
    expect(rules.map((r) => r.alert).sort()).toEqual([...ALERTS].sort());
    expect([...fired].sort()).toEqual([...ALERTS].sort());
  });

  it('the rules reference only metrics the bridge exports, by labels they carry', () => {
    expect(exported.has('bridge_token_secret_configured')).toBe(true);
    for (const rule of rules) {
      expect([rule.alert, unknownReferences(rule.expr)]).toEqual([rule.alert, []]);
    }
    // The check is not vacuous.
    expect(unknownReferences('rate(bridge_http_requests_total{status="500"}[5m])')).toEqual([
      'bridge_http_requests_total: no label status',
    ]);
    expect(unknownReferences('bridge_no_such_metric')).toEqual([
      'bridge_no_such_metric: not a metric the bridge exports',
    ]);
  });

  describe('Grafana dashboard', () => {
    const panels = () => (dashboard.panels as any[]).flatMap((p) => [p, ...(p.panels ?? [])]);
    const expressions = (): string[] => [
      ...panels().flatMap((p) => (p.targets ?? []).map((t: any) => t.expr as string)),
      ...(dashboard.templating.list as any[])
        .filter((v) => v.type === 'query')
        .map((v) => /^label_values\((.+),\s*\w+\)$/.exec(v.query.query)?.[1] ?? v.query.query),
    ];

    it('queries only metrics the bridge exports, by labels they carry', () => {
      const all = expressions();
      expect(all.length).toBeGreaterThan(20);
      for (const expression of all) {
        expect([expression, unknownReferences(expression)]).toEqual([expression, []]);
      }
    });

    it('shows every bridge_* metric the bridge exports', () => {
      const shown = new Set(expressions().flatMap((e) => selectorsOf(e).map((s) => s.metric)));
      // A histogram counts as shown by its buckets (its _sum and _count are left aside).
      const histogramTotal = (name: string) =>
        /_(sum|count)$/.test(name) && exported.has(name.replace(/_(sum|count)$/, '_bucket'));
      const metrics = [...exported.keys()].filter(
        (name) => name.startsWith('bridge_') && !histogramTotal(name),
      );
      expect(metrics).toEqual(
        expect.arrayContaining([
          'bridge_http_requests_total',
          'bridge_http_request_duration_seconds_bucket',
          'bridge_build_info',
        ]),
      );
      const missing = metrics.filter((name) => !shown.has(name));
      expect(missing).toEqual([]);
    });

    it('is one Prometheus data source variable, unique panel ids, laid out in 24 columns', () => {
      const all = panels();
      expect(new Set(all.map((p) => p.id)).size).toBe(all.length);
      for (const panel of all) {
        expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
        if (panel.type !== 'row')
          expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      }
      expect(dashboard.templating.list.map((v: any) => v.name)).toEqual([
        'datasource',
        'namespace',
        'job',
      ]);
    });

    it("is the ConfigMap Grafana's sidecar loads, as committed", () => {
      const map = only(objects, 'ConfigMap', 'talkdesk-bridge-grafana-dashboard');
      expect(map.metadata.labels.grafana_dashboard).toBe('1');
      expect(map.data['talkdesk-bridge.json']).toBe(
        readFileSync(join(COMPONENT, 'grafana-dashboard.json'), 'utf8'),
      );
    });
  });
});
