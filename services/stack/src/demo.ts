import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createReachGraphClient, createSignalsClient } from '@stella-ops/client';
import type { SliceResponse, VulnerableSink } from '@stella-ops/core';
import { explainCveSlice } from './explain.js';
import type { StackSettings } from './settings.js';
import type { RunningStack } from './stack.js';

/** What the demo loaded and the answer it got. */
export interface DemoResult {
  callgraphId: string;
  batchId: string;
  graphDigest: string;
  cve: string;
  slice: SliceResponse;
  /** Human-readable lines: the verdict and the paths. */
  explanation: string[];
}

/** The CVE the quick start explains (lodash `template`, reachable behind a feature flag). */
export const DEMO_CVE = 'CVE-2021-23337';
const DEMO_DIR = 'examples/orders-api';
const DEMO_PURL = 'pkg:npm/%40acme/orders-api@1.4.2';
const ARTIFACT_DIGEST = 'sha256:5d1f0e6c3b7a9d2e4f8c1b0a6e3d9f7c2b5a8e1d4c7f0a3b6e9d2c5f8a1b4e7d';

/**
 * Loads `examples/orders-api` through the real APIs, as a scanner, a runtime agent and an operator
 * would: pushes the call graph and the runtime facts to Signals, asks ReachGraph to build the
 * graph from them with the known vulnerable functions, then slices it by CVE.
 */
export async function loadDemo(
  stack: RunningStack,
  settings: StackSettings,
  progress: (step: string) => void = () => {},
): Promise<DemoResult> {
  const dir = join(settings.repoRoot, DEMO_DIR);
  const scanner = createSignalsClient({ baseUrl: stack.signalsUrl, token: stack.tokens.scanner });
  const agent = createSignalsClient({ baseUrl: stack.signalsUrl, token: stack.tokens.runtimeAgent });
  const reachgraph = createReachGraphClient({ baseUrl: stack.reachgraphUrl, token: stack.tokens.operator });

  progress(`pushing ${DEMO_DIR}/callgraph.ndjson to Signals (as scanner-worker)`);
  const manifest = await scanner.pushCallgraph(await readFile(join(dir, 'callgraph.ndjson')), {
    purl: DEMO_PURL,
    language: 'javascript',
  });
  const callgraphId = manifest.graphId;

  progress(`pushing ${DEMO_DIR}/runtime-facts.ndjson to Signals (as runtime-agent)`);
  const facts = await agent.pushRuntimeFacts(await readFile(join(dir, 'runtime-facts.ndjson')), {
    callgraphId,
    source: 'orders-api-7d9f8b-x2k4p',
  });
  const batchId = facts.provenance.batchId;

  progress('building the reachability graph in ReachGraph from the Signals data');
  const sinks: unknown = JSON.parse(await readFile(join(dir, 'sinks.json'), 'utf8'));
  const built = await reachgraph.build({
    callgraphId,
    runtimeFactBatchIds: [batchId],
    sinks: sinks as VulnerableSink[],
    artifact: { name: 'ghcr.io/acme/orders-api:1.4.2', digest: ARTIFACT_DIGEST },
  });

  progress(`asking ReachGraph why ${DEMO_CVE} is reachable`);
  const slice = await reachgraph.slice(built.digest, { cve: DEMO_CVE });
  const result: DemoResult = {
    callgraphId,
    batchId,
    graphDigest: built.digest,
    cve: DEMO_CVE,
    slice,
    explanation: explainCveSlice(slice),
  };
  await writeFile(
    join(settings.dataDir, 'demo.json'),
    `${JSON.stringify({ callgraphId, batchId, graphDigest: built.digest, cve: DEMO_CVE }, null, 2)}\n`,
  );
  return result;
}
