import { parser } from '@prometheus-io/lezer-promql';

/** A metric selector in a PromQL expression: the metric name and the label names it matches on. */
export interface Selector {
  metric: string;
  labels: Record<string, string>;
}

/**
 * Parses a PromQL expression with Prometheus' own grammar (lezer-promql) and returns its vector
 * selectors; throws on a syntax error.
 */
export function selectors(expr: string): Selector[] {
  const tree = parser.parse(expr);
  const out: Selector[] = [];
  let error: number | undefined;
  tree.iterate({
    enter(node) {
      if (node.type.isError) error ??= node.from;
      if (node.name !== 'VectorSelector') return;
      const selector: Selector = { metric: '', labels: {} };
      const inner = node.node.cursor();
      inner.iterate((n) => {
        const text = expr.slice(n.from, n.to);
        if (n.name === 'Identifier') selector.metric = text;
        if (n.name === 'UnquotedLabelMatcher') {
          const name = n.node.getChild('LabelName');
          const value = n.node.getChild('StringLiteral');
          if (name && value)
            selector.labels[expr.slice(name.from, name.to)] = JSON.parse(expr.slice(value.from, value.to));
        }
      });
      out.push(selector);
    },
  });
  if (error !== undefined) throw new Error(`PromQL syntax error at ${error}: ${expr}`);
  return out;
}

/** One sample of the Prometheus text exposition format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** What a `/metrics` scrape exposes: metric families by name with their type, and the samples. */
export interface Scrape {
  types: Map<string, string>;
  samples: Sample[];
  /** Every series name a query can select (histograms: `_bucket`, `_sum`, `_count`). */
  series: Set<string>;
}

/** Parses the Prometheus text format (what prom-client's registry emits). */
export function parseScrape(text: string): Scrape {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1] as string, type[2] as string);
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1] as string] = l[2] as string;
    }
    samples.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  const series = new Set<string>();
  for (const [name, type] of types) {
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) series.add(name + s);
    else if (type === 'summary') for (const s of ['', '_sum', '_count']) series.add(name + s);
    else series.add(name);
  }
  return { types, samples, series };
}

/** Sum of a series' samples whose labels match (what `sum(metric{...})` gives for one target). */
export function total(scrape: Scrape, metric: string, labels: Record<string, string> = {}): number {
  return scrape.samples
    .filter((s) => s.name === metric && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}
