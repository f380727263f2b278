/**
 * Build inputs that reproduce a generated graph: its nodes and edges as call-graph NDJSON records,
 * its runtime observations as one fact batch, its sinks as `{cve, purl, symbol}`.
 */
export function toCallgraphInputs(graph) {
  const app = graph.nodes.find((n) => n.isEntrypoint)?.purl ?? 'pkg:npm/bench-app@1.0.0';
  const records = [
    {
      type: 'header',
      schemaVersion: 'stella.callgraph@v1',
      language: 'javascript',
      source: 'bench-generator',
      componentPurl: app,
      entryPoints: graph.nodes.filter((n) => n.isEntrypoint).map((n) => n.id),
    },
  ];
  for (const n of graph.nodes) {
    const r = { type: 'node', id: n.id, kind: n.kind };
    if (n.symbol) r.symbol = n.symbol;
    if (n.purl) r.purl = n.purl;
    if (n.file) r.file = n.file;
    if (n.line !== undefined) r.line = n.line;
    if (n.isEntrypoint) r.isEntrypoint = true;
    records.push(r);
  }
  for (const e of graph.edges) records.push({ type: 'edge', from: e.from, to: e.to, why: e.why });
  const facts = graph.nodes
    .filter((n) => n.observed)
    .map((n) => ({
      symbolId: n.id,
      hitCount: n.observed.hitCount > 0 ? n.observed.hitCount : 1,
      observedAt: '2026-11-20T10:00:00Z',
      factType: 'invocation',
    }));
  const sinks = [];
  for (const n of graph.nodes) {
    if (!n.isSink || !n.purl || !n.symbol) continue;
    for (const cve of n.cves ?? []) sinks.push({ cve, purl: n.purl, symbol: n.symbol });
  }
  return {
    artifact: graph.artifact,
    callgraph: { records },
    runtimeFacts: facts.length ? [{ provenanceHash: `sha256:${'ab'.repeat(32)}`, facts }] : [],
    sinks,
    analyzer: { name: 'stella-reachgraph-builder', version: '0.1.0' },
  };
}
