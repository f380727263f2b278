import { readFileSync } from 'node:fs';
import type { BuildInputs, CallgraphRecord, ReachGraph, RuntimeFact } from '@stella-ops/core';
import { buildReachGraph } from '@stella-ops/graph';

const repo = new URL('../../../', import.meta.url);

function json<T>(path: string): T {
  return JSON.parse(readFileSync(new URL(path, repo), 'utf8')) as T;
}

function ndjson<T>(path: string): T[] {
  return readFileSync(new URL(path, repo), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

/** The schema's example graph: express → report → lodash.template (CVE-2021-23337). */
export function exampleGraph(): ReachGraph {
  return json<ReachGraph>('schemas/examples/reachgraph-min.v1/valid-express-lodash.json');
}

/** The orders-api example's files as parsed values: call graph records, runtime facts, sinks, OSV. */
export function ordersApiFiles(): {
  records: CallgraphRecord[];
  facts: RuntimeFact[];
  sinks: unknown;
  osv: unknown;
} {
  return {
    records: ndjson<CallgraphRecord>('examples/orders-api/callgraph.ndjson'),
    facts: ndjson<RuntimeFact>('examples/orders-api/runtime-facts.ndjson'),
    sinks: json('examples/orders-api/sinks.json'),
    osv: json('examples/orders-api/osv.json'),
  };
}

/** The orders-api demo as replay inputs (inline call graph, runtime facts and sinks). */
export function ordersApiInputs(): BuildInputs {
  return {
    artifact: {
      name: 'acme/orders-api',
      digest: 'sha256:0d6e1f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6',
      env: ['linux/amd64'],
    },
    callgraph: {
      records: ndjson<CallgraphRecord>('examples/orders-api/callgraph.ndjson') as [
        CallgraphRecord,
        ...CallgraphRecord[],
      ],
    },
    runtimeFacts: [
      {
        provenanceHash: 'sha256:5e1f0d4c3b2a19087f6e5d4c3b2a19087f6e5d4c3b2a19087f6e5d4c3b2a1908',
        facts: ndjson<RuntimeFact>('examples/orders-api/runtime-facts.ndjson') as [
          RuntimeFact,
          ...RuntimeFact[],
        ],
      },
    ],
    sinks: json('examples/orders-api/sinks.json'),
    analyzer: { name: 'stella-reachgraph-builder', version: '0.1.0' },
  };
}

/** A graph for a second tenant: same shape, another artifact (so another digest). */
export function otherGraph(): ReachGraph {
  const g = exampleGraph();
  g.artifact = { ...g.artifact, name: 'svc.other' };
  return g;
}

/** The graph the builder makes of inline inputs — what replay rebuilds (by default the orders-api demo). */
export function builtGraph(inputs: BuildInputs = ordersApiInputs()): ReachGraph {
  const batch = inputs.runtimeFacts?.[0];
  return buildReachGraph({
    artifact: inputs.artifact,
    callgraph: { records: inputs.callgraph.records ?? [] },
    runtimeFacts: batch?.facts ? [{ provenanceHash: batch.provenanceHash ?? '', facts: batch.facts }] : [],
    sinks: inputs.sinks,
    ...(inputs.analyzer ? { analyzer: inputs.analyzer } : {}),
  });
}
