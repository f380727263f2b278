import { listen, type RunningServer } from '@stella-ops/service-kit';
import { parse as parseYaml } from 'yaml';
import { exampleGraph, ordersApiInputs } from '../../services/reachgraph/tests/fixtures.js';
import { createSuite, type Suite, token } from '../../services/reachgraph/tests/helpers.js';
import { callgraphRecords, fact, ndjson } from '../../services/signals/tests/fixtures.js';
import { type Harness, startHarness } from '../../services/signals/tests/harness.js';
import { parseScrape, type Scrape, selectors, total } from './promql.js';
import { readRepo } from './repo.js';

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
interface Group {
  name: string;
  rules: Rule[];
}

const operatorGroups = (
  parseYaml(readRepo('deploy/k8s/base/prometheus-rule.yaml')) as { spec: { groups: Group[] } }
).spec.groups;
const plainGroups = (parseYaml(readRepo('deploy/prometheus/stella-reach.rules.yml')) as { groups: Group[] })
  .groups;
const rules = operatorGroups.flatMap((g) => g.rules.map((r) => ({ group: g.name, ...r })));
/** Labels Prometheus attaches to every scraped series (from the target), not the service. */
const TARGET_LABELS = new Set(['job', 'namespace', 'instance', 'pod', 'service', 'le']);

describe('alert rules', () => {
  it('are the same groups in the PrometheusRule and the plain rules file', () => {
    expect(plainGroups).toEqual(operatorGroups);
  });

  it('parse as PromQL, each with a severity and a summary', () => {
    expect(rules.length).toBeGreaterThanOrEqual(7);
    for (const r of rules) {
      expect([r.alert, selectors(r.expr).length > 0]).toEqual([r.alert, true]);
      expect(['warning', 'critical']).toContain(r.labels['severity']);
      expect(r.annotations['summary']).toEqual(expect.any(String));
    }
    expect(() => selectors('sum(rate(x[5m])')).toThrow('syntax error');
  });

  it('carry contract §8.2: SignalsAttestationFailure as written, SignalsProvenanceMissing on batches', () => {
    const group = operatorGroups.find((g) => g.name === 'signals-provenance')!;
    const byName = Object.fromEntries(group.rules.map((r) => [r.alert, r]));
    expect(byName['SignalsAttestationFailure']).toMatchObject({
      expr: 'increase(signals_attestations_created_total{result="failure"}[5m]) > 0',
      for: '1m',
      labels: { severity: 'warning' },
      annotations: { summary: 'Runtime fact attestation failures detected' },
    });
    expect(byName['SignalsProvenanceMissing']).toMatchObject({
      for: '5m',
      labels: { severity: 'critical' },
      annotations: { summary: 'Runtime facts missing provenance records' },
    });
    expect(selectors(byName['SignalsProvenanceMissing']!.expr).map((s) => s.metric)).toEqual([
      'signals_runtime_fact_batches_total',
    ]);
  });
});

/** Scrapes `/metrics` of a running app. */
async function scrape(server: RunningServer): Promise<Scrape> {
  const res = await fetch(`${server.url}/metrics`);
  expect(res.status).toBe(200);
  return parseScrape(await res.text());
}

/** Every metric and label an alert of `groups` selects exists in the scrape. */
function expectRulesMatch(groupPrefix: string, metrics: Scrape): void {
  const checked = rules.filter((r) => r.group.startsWith(groupPrefix));
  expect(checked.length).toBeGreaterThan(0);
  for (const r of checked) {
    for (const s of selectors(r.expr)) {
      expect([r.alert, s.metric, metrics.series.has(s.metric)]).toEqual([r.alert, s.metric, true]);
      for (const label of Object.keys(s.labels).filter((l) => !TARGET_LABELS.has(l))) {
        const labelled = metrics.samples.some((x) => x.name === s.metric && label in x.labels);
        expect([r.alert, s.metric, label, labelled]).toEqual([r.alert, s.metric, label, true]);
      }
    }
  }
}

describe('alert rules against a running Signals (real Postgres and S3)', () => {
  let h: Harness;
  let server: RunningServer;
  beforeAll(async () => {
    h = await startHarness();
    server = await listen(h.app, 0);
  });
  afterAll(async () => {
    await server?.close();
    await h?.stop();
  });

  it('select metrics and labels Signals exports, and provenance-missing stays 0 while batches are attested', async () => {
    const post = async (path: string, principal: string, body: string) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { authorization: await h.auth(principal), 'content-type': 'application/x-ndjson' },
        body,
      });
    const graph = await post('/signals/callgraphs', 'scanner-worker', ndjson(callgraphRecords(6)));
    expect(graph.status).toBe(201);
    const { graphId } = (await graph.json()) as { graphId: string };
    for (const batch of [5, 3]) {
      const facts = Array.from({ length: batch }, (_, i) => fact(i));
      const res = await post(
        `/signals/runtime-facts?callgraphId=${graphId}&source=agent-1`,
        'runtime-agent',
        ndjson(facts),
      );
      expect(res.status).toBe(201);
    }
    // A failing request, so the HTTP error-rate alert's status label has samples.
    expect((await fetch(`${server.url}/signals/callgraphs/nope`)).status).toBe(401);
    const metrics = await scrape(server);
    expectRulesMatch('signals', metrics);

    expect(total(metrics, 'signals_attestations_created_total', { result: 'success' })).toBe(2);
    const batches = total(metrics, 'signals_runtime_facts_batch_size_count');
    const records = total(metrics, 'signals_provenance_records_total');
    const facts = total(metrics, 'signals_runtime_facts_ingested_total');
    expect([batches, records, facts]).toEqual([2, 2, 8]);
    // The shipped expression counts batches stored without their provenance record. The contract's
    // (facts - records) would already be 6 here with nothing missing, and pass 100 after a few busy
    // minutes; and batches - records can never fire, both grow only when an ingest succeeds.
    expect(total(metrics, 'signals_runtime_fact_batches_total', { provenance: 'recorded' })).toBe(2);
    expect(total(metrics, 'signals_runtime_fact_batches_total', { provenance: 'missing' })).toBe(0);
    expect(facts - records).toBe(6);
  });
});

describe('alert rules against a running ReachGraph (real Postgres)', () => {
  let suite: Suite;
  let server: RunningServer;
  beforeAll(async () => {
    suite = await createSuite('alerts');
    server = await listen((await suite.start()).app, 0);
  });
  afterAll(async () => {
    await server?.close();
    await suite?.close();
  });

  it('select metrics and labels ReachGraph exports, including a replay mismatch', async () => {
    const auth = await token();
    const post = (path: string, body: unknown) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const created = await post('/v1/reachgraphs', exampleGraph());
    expect(created.status).toBe(201);
    const { digest } = (await created.json()) as { digest: string };
    const slice = await fetch(`${server.url}/v1/reachgraphs/${digest}/slice?cve=CVE-2021-23337`, {
      headers: { authorization: auth },
    });
    expect(slice.status).toBe(200);
    const replay = await post('/v1/reachgraphs/replay', {
      expectedDigest: `blake3:${'0'.repeat(64)}`,
      inputs: ordersApiInputs(),
    });
    expect(replay.status).toBe(200);
    const metrics = await scrape(server);
    expectRulesMatch('reachgraph', metrics);
    expect(total(metrics, 'reachgraph_replays_total', { result: 'mismatch' })).toBe(1);
    expect(total(metrics, 'reachgraph_slice_duration_seconds_count')).toBe(1);
  });
});
