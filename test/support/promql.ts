import { parser } from '@prometheus-io/lezer-promql';

/** One vector selector of a PromQL expression: the metric it names and the labels it matches on. */
export interface Selector {
  metric: string;
  labels: string[];
}

/**
 * The vector selectors of a PromQL expression, parsed by Prometheus' own grammar
 * (@prometheus-io/lezer-promql); throws when the expression does not parse. Grafana's variables
 * (`$__rate_interval`, `$namespace` inside a string) are read as a duration and as text.
 */
export function selectorsOf(expression: string): Selector[] {
  const text = expression.replace(/\$__(rate_)?interval\b/g, '5m');
  const tree = parser.parse(text);
  const selectors: Selector[] = [];
  const problems: string[] = [];
  tree.iterate({
    enter(node) {
      if (node.type.isError)
        problems.push(`at ${node.from}: "${text.slice(node.from, node.to + 10)}"`);
      if (node.name !== 'VectorSelector') return;
      const metric = node.node.getChild('Identifier');
      const labels = node.node
        .getChild('LabelMatchers')
        ?.getChildren('UnquotedLabelMatcher')
        .map((m) => m.getChild('LabelName'))
        .filter((n) => n !== null)
        .map((n) => text.slice(n.from, n.to));
      selectors.push({
        metric: metric ? text.slice(metric.from, metric.to) : '',
        labels: labels ?? [],
      });
    },
  });
  if (problems.length > 0) throw new Error(`Not PromQL (${problems.join('; ')}): ${expression}`);
  return selectors;
}
