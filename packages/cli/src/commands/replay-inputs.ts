import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildInputs, CallgraphRecord, RuntimeFact } from '@stella-ops/core';
import { usage } from '../cli-error.js';

function ndjson<T>(text: string): T[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

async function optional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Replay inputs from a directory: `artifact.json` and `callgraph.ndjson` (required), `sinks.json`
 * (default none), every `runtime-facts*.ndjson` as one batch each (in name order), and an optional
 * `analyzer.json`.
 */
export async function readReplayInputs(dir: string): Promise<BuildInputs> {
  const artifact = await optional(join(dir, 'artifact.json'));
  const callgraph = await optional(join(dir, 'callgraph.ndjson'));
  if (artifact === undefined || callgraph === undefined) {
    throw usage(`${dir} must hold artifact.json and callgraph.ndjson`);
  }
  const records = ndjson<CallgraphRecord>(callgraph);
  if (records.length === 0) throw usage(`${dir}/callgraph.ndjson is empty`);
  const factFiles = (await readdir(dir)).filter((f) => /^runtime-facts.*\.ndjson$/.test(f)).sort();
  const runtimeFacts = [];
  for (const f of factFiles) {
    const facts = ndjson<RuntimeFact>(await readFile(join(dir, f), 'utf8'));
    if (facts.length > 0) runtimeFacts.push({ facts: facts as [RuntimeFact, ...RuntimeFact[]] });
  }
  const sinks = await optional(join(dir, 'sinks.json'));
  const analyzer = await optional(join(dir, 'analyzer.json'));
  return {
    artifact: JSON.parse(artifact) as BuildInputs['artifact'],
    callgraph: { records: records as [CallgraphRecord, ...CallgraphRecord[]] },
    ...(runtimeFacts.length > 0 ? { runtimeFacts } : {}),
    sinks: sinks === undefined ? [] : (JSON.parse(sinks) as BuildInputs['sinks']),
    ...(analyzer === undefined
      ? {}
      : { analyzer: JSON.parse(analyzer) as NonNullable<BuildInputs['analyzer']> }),
  };
}
