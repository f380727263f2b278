import { reverseOf } from './csr.js';
import { type Graph, NO_OBSERVATION, NO_STRING } from './graph.js';
import { ArrayStringTable } from './string-table.js';

/**
 * The subgraph of `g` induced by the nodes marked 1 in `keep`: those nodes and every edge between
 * two of them, with only the explanations, observations and strings they use. Everything keeps its
 * relative order — nodes (so ids stay sorted), edges, explanations, observations and strings — so
 * whatever the engine decides by position decides the same on the subgraph. Its digest is `g`'s:
 * answers computed from it name the graph they describe.
 */
export function inducedSubgraph(g: Graph, keep: Uint8Array): Graph {
  const n = g.nodeCount;
  const newNode = new Int32Array(n).fill(-1);
  let m = 0;
  for (let i = 0; i < n; i++) if (keep[i] === 1) newNode[i] = m++;

  // Edges between kept nodes, in forward order, and what they use.
  const { offsets, targets } = g.forward;
  const fOffsets = new Uint32Array(m + 1);
  const keptEdges: number[] = [];
  for (let u = 0, at = 0; u < n; u++) {
    if (newNode[u] === -1) continue;
    const end = offsets[u + 1] as number;
    for (let k = offsets[u] as number; k < end; k++) {
      if (newNode[targets[k] as number] !== -1) keptEdges.push(k);
    }
    fOffsets[++at] = keptEdges.length;
  }
  const e = keptEdges.length;
  const fTargets = new Uint32Array(e);
  for (let j = 0; j < e; j++) fTargets[j] = newNode[targets[keptEdges[j] as number] as number] as number;

  const usedExplanation = new Uint8Array(g.explanations.type.length);
  const usedObservation = new Uint8Array(g.observations.hitCount.length);
  for (const k of keptEdges) {
    usedExplanation[g.edges.explanation[k] as number] = 1;
    const o = g.edges.observation[k] as number;
    if (o !== NO_OBSERVATION) usedObservation[o] = 1;
  }
  for (let i = 0; i < n; i++) {
    const o = g.nodes.observation[i] as number;
    if (newNode[i] !== -1 && o !== NO_OBSERVATION) usedObservation[o] = 1;
  }
  const newExplanation = renumber(usedExplanation);
  const newObservation = renumber(usedObservation);

  // Strings: the kept nodes' ids first (strings 0 … m-1 are the node ids), then every other string
  // used, in their original order.
  const usedString = new Uint8Array(g.strings.size);
  const use = (s: number) => {
    if (s !== NO_STRING) usedString[s] = 1;
  };
  const nodes = g.nodes;
  for (let i = 0; i < n; i++) {
    if (newNode[i] === -1) continue;
    use(nodes.purl[i] as number);
    use(nodes.symbol[i] as number);
    use(nodes.file[i] as number);
    for (let c = nodes.cveOffsets[i] as number; c < (nodes.cveOffsets[i + 1] as number); c++)
      use(nodes.cves[c] as number);
  }
  const x = g.explanations;
  for (let a = 0; a < usedExplanation.length; a++) {
    if (usedExplanation[a] !== 1) continue;
    use(x.guard[a] as number);
    use(x.loc[a] as number);
  }
  const obs = g.observations;
  for (let o = 0; o < usedObservation.length; o++) {
    if (usedObservation[o] !== 1) continue;
    for (let b = obs.batchOffsets[o] as number; b < (obs.batchOffsets[o + 1] as number); b++)
      use(obs.batches[b] as number);
  }
  const newString = new Uint32Array(g.strings.size).fill(NO_STRING);
  const values: string[] = [];
  for (let i = 0; i < n; i++) {
    if (newNode[i] === -1) continue;
    newString[i] = values.length;
    values.push(g.strings.get(i));
  }
  for (let s = 0; s < usedString.length; s++) {
    // An id of a node left out may still be used, say as another node's purl.
    if (usedString[s] !== 1 || (s < n && newNode[s] !== -1)) continue;
    newString[s] = values.length;
    values.push(g.strings.get(s));
  }
  const str = (s: number) => (s === NO_STRING ? NO_STRING : (newString[s] as number));

  // Node columns.
  const kind = new Uint8Array(m);
  const flags = new Uint8Array(m);
  const purl = new Uint32Array(m);
  const symbol = new Uint32Array(m);
  const file = new Uint32Array(m);
  const line = new Uint32Array(m);
  const observation = new Int32Array(m);
  const cveOffsets = new Uint32Array(m + 1);
  const cves: number[] = [];
  for (let i = 0; i < n; i++) {
    const j = newNode[i] as number;
    if (j === -1) continue;
    kind[j] = nodes.kind[i] as number;
    flags[j] = nodes.flags[i] as number;
    purl[j] = str(nodes.purl[i] as number);
    symbol[j] = str(nodes.symbol[i] as number);
    file[j] = str(nodes.file[i] as number);
    line[j] = nodes.line[i] as number;
    const o = nodes.observation[i] as number;
    observation[j] = o === NO_OBSERVATION ? NO_OBSERVATION : (newObservation[o] as number);
    for (let c = nodes.cveOffsets[i] as number; c < (nodes.cveOffsets[i + 1] as number); c++)
      cves.push(str(nodes.cves[c] as number));
    cveOffsets[j + 1] = cves.length;
  }

  // Edge columns, explanations and observations.
  const edgeExplanation = new Uint32Array(e);
  const edgeObservation = new Int32Array(e);
  for (let j = 0; j < e; j++) {
    const k = keptEdges[j] as number;
    edgeExplanation[j] = newExplanation[g.edges.explanation[k] as number] as number;
    const o = g.edges.observation[k] as number;
    edgeObservation[j] = o === NO_OBSERVATION ? NO_OBSERVATION : (newObservation[o] as number);
  }
  const xs = indexesOf(usedExplanation);
  const os = indexesOf(usedObservation);
  const batchOffsets = new Uint32Array(os.length + 1);
  const batches: number[] = [];
  os.forEach((o, j) => {
    for (let b = obs.batchOffsets[o] as number; b < (obs.batchOffsets[o + 1] as number); b++)
      batches.push(str(obs.batches[b] as number));
    batchOffsets[j + 1] = batches.length;
  });

  return {
    digest: g.digest,
    nodeCount: m,
    edgeCount: e,
    strings: new ArrayStringTable(values),
    nodes: {
      kind,
      flags,
      purl,
      symbol,
      file,
      line,
      observation,
      cveOffsets,
      cves: Uint32Array.from(cves),
    },
    edges: { explanation: edgeExplanation, observation: edgeObservation },
    forward: { offsets: fOffsets, targets: fTargets },
    reverse: reverseOf(m, fOffsets, fTargets),
    explanations: {
      type: Uint8Array.from(xs, (a) => x.type[a] as number),
      guard: Uint32Array.from(xs, (a) => str(x.guard[a] as number)),
      loc: Uint32Array.from(xs, (a) => str(x.loc[a] as number)),
      confidence: Float64Array.from(xs, (a) => x.confidence[a] as number),
    },
    observations: {
      hitCount: Float64Array.from(os, (o) => obs.hitCount[o] as number),
      batchOffsets,
      batches: Uint32Array.from(batches),
    },
  };
}

/** New positions of the marked entries, in order (unmarked: -1). */
function renumber(used: Uint8Array): Int32Array {
  const out = new Int32Array(used.length).fill(-1);
  for (let i = 0, at = 0; i < used.length; i++) if (used[i] === 1) out[i] = at++;
  return out;
}

function indexesOf(used: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < used.length; i++) if (used[i] === 1) out.push(i);
  return out;
}
