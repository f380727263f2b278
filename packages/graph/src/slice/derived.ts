import type { Assumptions } from '../guards/assume.js';
import { GUARD_OPEN, type GuardStates, guardStates } from '../guards/guard-states.js';
import { arrayBytes, mapBytes, objectBytes, typedArrayBytes } from '../memory/estimate.js';
import { FLAG_ENTRYPOINT, type Graph, NO_OBSERVATION } from '../model/graph.js';
import { type Admission, admissionOf, withoutEdges } from './admission.js';
import { bfs, type Reach, type SearchRegion, searchRegion } from './bfs.js';
import type { ObservedFilter } from './types.js';

// Query-independent facts about a graph, computed on first use and kept for its lifetime (graphs
// are immutable): the admission of each observed filter, the entrypoints, forward reach from all
// entrypoints, and an index from CVE to the nodes that carry it. Facts under assumptions that prune
// edges are computed per query and not kept.

/** What a slice works inside: an observed filter's admission under a query's assumptions. */
export interface FilterFacts {
  admission: Admission;
  /** Admitted entrypoints, ascending. */
  entries: number[];
  /** How the edges' guards stand under the query's assumptions. */
  guards: GuardStates;
  reach?: Reach;
  /** 1 for every node forward-reachable from an admitted entrypoint. */
  reachMask?: Uint8Array;
  /** `reachMask` prepared for repeated backward searches. */
  region?: SearchRegion;
}

interface Derived {
  byFilter: Map<string, FilterFacts>;
  /** CVE id → the nodes carrying it, ascending. */
  cves?: Map<string, number[]>;
  /** Estimated heap bytes of `cves` (computed when it is made; its keys are the string table's). */
  cvesBytes: number;
}

const cache = new WeakMap<Graph, Derived>();

function derived(g: Graph): Derived {
  let d = cache.get(g);
  if (!d) {
    d = { byFilter: new Map(), cvesBytes: 0 };
    cache.set(g, d);
  }
  return d;
}

/** The admission of `filter` and the admitted entrypoints. */
export function filterFacts(g: Graph, filter: ObservedFilter | undefined): FilterFacts {
  const d = derived(g);
  const key = filter ?? '';
  let facts = d.byFilter.get(key);
  if (!facts) {
    const admission = admissionOf(g, filter);
    const entries: number[] = [];
    for (let i = 0; i < g.nodeCount; i++) {
      if (
        (g.nodes.flags[i] as number) & FLAG_ENTRYPOINT &&
        (admission.nodes === null || admission.nodes[i] === 1)
      ) {
        entries.push(i);
      }
    }
    facts = { admission, entries, guards: guardStates(g, undefined) };
    d.byFilter.set(key, facts);
  }
  return facts;
}

/**
 * The facts of `filter` under `assume` (normalised; undefined = none): without assumptions, or
 * when they prune no edge, the admission (and forward reach) of the filter itself.
 */
export function sliceFacts(
  g: Graph,
  filter: ObservedFilter | undefined,
  assume: Assumptions | undefined,
): FilterFacts {
  const base = filterFacts(g, filter);
  if (assume === undefined) return base;
  const guards = guardStates(g, assume);
  if (guards.pruned === null) {
    const { reach, mask, region } = entrypointReach(g, base);
    return {
      admission: base.admission,
      entries: base.entries,
      guards,
      reach,
      reachMask: mask,
      region,
    };
  }
  return { admission: withoutEdges(base.admission, guards.pruned), entries: base.entries, guards };
}

/**
 * Forward reach from every admitted entrypoint of `facts`, with a membership mask and that mask as
 * a search region. The region's restricted reverse adjacency (only for kept facts: nothing pruned)
 * is built from the second query on: it costs about as much as it saves one query (≈ 8 ms at 100k
 * nodes), so a graph loaded for a single query — a cold slice — does without it. Answers are the
 * same either way (the search reads the same edges in the same order, minus those it would skip).
 */
export function entrypointReach(
  g: Graph,
  facts: FilterFacts,
): { reach: Reach; mask: Uint8Array; region: SearchRegion } {
  if (!facts.reach || !facts.reachMask || !facts.region) {
    const reach = bfs(g, facts.entries, true, Number.POSITIVE_INFINITY, facts.admission);
    const mask = new Uint8Array(g.nodeCount);
    for (let k = 0; k < reach.order.length; k++) mask[reach.order[k] as number] = 1;
    facts.reach = reach;
    facts.reachMask = mask;
    facts.region = searchRegion(g, mask, false);
  } else if (facts.region.reverse === null && facts.admission.pruned === null) {
    facts.region = searchRegion(g, facts.reachMask, true);
  }
  return { reach: facts.reach, mask: facts.reachMask, region: facts.region };
}

/**
 * Which of `targets` (nodes of `region`) are reachable from an admitted entrypoint of `facts` over
 * admitted edges whose guard is not open (unguarded, not conditional, or satisfied by the
 * assumptions): a mask over nodes. With `region` the nodes on some entrypoint→target path this is
 * exact, since such a path lies inside it; the search stays in the region and stops once every
 * target is found. Null when no guard is open (then every reached target is).
 */
export function unguardedReach(
  g: Graph,
  facts: FilterFacts,
  region: Uint8Array,
  targets: readonly number[],
): Uint8Array | null {
  if (!facts.guards.anyOpen) return null;
  const mask = new Uint8Array(g.nodeCount);
  const { admission, entries } = facts;
  // Nodes of `region` are admitted already; only edges can still be left out.
  const edgeObs = admission.dropObservedEdges ? g.edges.observation : null;
  const pruned = admission.pruned;
  const status = facts.guards.byExplanation;
  const explanation = g.edges.explanation;
  const { offsets, targets: next } = g.forward;
  const wanted = new Uint8Array(g.nodeCount);
  for (const t of targets) wanted[t] = 1;
  let missing = targets.length;
  const queue = new Uint32Array(g.nodeCount);
  let tail = 0;
  const visit = (v: number) => {
    mask[v] = 1;
    queue[tail++] = v;
    if (wanted[v] === 1) missing--;
  };
  for (const e of entries) if (region[e] === 1 && mask[e] === 0) visit(e);
  for (let head = 0; head < tail && missing > 0; head++) {
    const u = queue[head] as number;
    const end = offsets[u + 1] as number;
    for (let k = offsets[u] as number; k < end; k++) {
      const v = next[k] as number;
      if (mask[v] === 1 || region[v] !== 1 || status[explanation[k] as number] === GUARD_OPEN) continue;
      if (pruned !== null && pruned[k] === 1) continue;
      if (edgeObs !== null && edgeObs[k] !== NO_OBSERVATION) continue;
      visit(v);
    }
  }
  return mask;
}

/** The nodes whose CVE list holds `cve`, ascending. */
export function nodesWithCve(g: Graph, cve: string): readonly number[] {
  const d = derived(g);
  if (!d.cves) {
    // Grouped by string index first (no string is decoded per node), then keyed by the id: a graph
    // decoded from bytes decodes each distinct CVE id once.
    const byString = new Map<number, number[]>();
    const { cveOffsets, cves } = g.nodes;
    for (let i = 0; i < g.nodeCount; i++) {
      const hi = cveOffsets[i + 1] as number;
      for (let k = cveOffsets[i] as number; k < hi; k++) {
        const s = cves[k] as number;
        const list = byString.get(s);
        if (list === undefined) byString.set(s, [i]);
        else if (list[list.length - 1] !== i) list.push(i);
      }
    }
    const index = new Map<string, number[]>();
    for (const [s, nodes] of byString) {
      const id = g.strings.get(s);
      const known = index.get(id);
      // Two string indexes with one text only in a table with duplicate strings: merge, keep order.
      index.set(id, known === undefined ? nodes : mergeAscending(known, nodes));
    }
    d.cves = index;
    d.cvesBytes = mapBytes(index.size);
    for (const nodes of index.values()) d.cvesBytes += arrayBytes(nodes.length);
  }
  return d.cves.get(cve) ?? [];
}

/**
 * Estimated bytes of the facts kept for `g` so far: per observed filter asked about, its admission,
 * entrypoints, forward reach, mask and search region (typed arrays: exact), and the CVE index. The
 * guard states facts point at are guard-states' own (see `guardStatesBytes`). Cheap: a few facts
 * per graph (one per observed filter), a few arrays each.
 */
export function derivedBytes(g: Graph): number {
  const d = cache.get(g);
  if (d === undefined) return 0;
  let bytes = objectBytes(3) + mapBytes(d.byFilter.size) + d.cvesBytes;
  for (const f of d.byFilter.values()) {
    bytes += objectBytes(6) + arrayBytes(f.entries.length) + typedArrayBytes(f.admission.nodes);
    bytes += typedArrayBytes(f.admission.pruned) + typedArrayBytes(f.reachMask);
    if (f.reach) bytes += objectBytes(2) + typedArrayBytes(f.reach.dist) + typedArrayBytes(f.reach.order);
    if (f.region) {
      bytes += objectBytes(2) + typedArrayBytes(f.region.blocked);
      const r = f.region.reverse;
      if (r) bytes += typedArrayBytes(r.offsets) + typedArrayBytes(r.sources) + typedArrayBytes(r.edges);
    }
  }
  return bytes;
}

/** The union of two ascending lists, ascending and without duplicates. */
function mergeAscending(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = i < a.length ? (a[i] as number) : Number.POSITIVE_INFINITY;
    const y = j < b.length ? (b[j] as number) : Number.POSITIVE_INFINITY;
    const v = Math.min(x, y);
    if (x === v) i++;
    if (y === v) j++;
    if (out[out.length - 1] !== v) out.push(v);
  }
  return out;
}
