import { checkAssume } from '../guards/assume.js';
import type { Graph } from '../model/graph.js';
import { NO_STRING } from '../model/graph.js';
import { purlMatcher } from '../purl/purl-matcher.js';
import { nodeAdmitted } from './admission.js';
import { bfs } from './bfs.js';
import { checkDepth, checkDirection, checkKeys, checkObserved, checkText } from './check-query.js';
import { sliceFacts } from './derived.js';
import { resolveLimits } from './options.js';
import { sliceResponse } from './response.js';
import { selectAnswer } from './select.js';
import type { PackageSliceQuery, SliceOptions, SliceResult } from './types.js';

/**
 * Package slice: the nodes whose purl matches `query.purl` (core's purl matching: exact, versionless
 * = every version, a version ending in `*` = that prefix, e.g. `pkg:npm/lodash@4.*`) plus every node within `depth` hops (default 1) upstream (callers),
 * downstream (callees) or both (default), and the admitted edges between them.
 */
export function packageSlice(g: Graph, query: PackageSliceQuery, options?: SliceOptions): SliceResult {
  const q = checkKeys(query, ['purl', 'depth', 'direction', 'observed', 'assume'], 'package');
  const purl = checkText(q['purl'], 'purl');
  const depth = checkDepth(q['depth'], 1);
  const direction = checkDirection(q['direction']);
  const observed = checkObserved(q['observed']);
  const assume = checkAssume(q['assume']);
  const limits = resolveLimits(options);
  const matches = purlMatcher(purl, 'QUERY_INVALID');
  const { admission } = sliceFacts(g, observed, assume);

  const verdicts = new Map<number, boolean>();
  const seeds: number[] = [];
  for (let i = 0; i < g.nodeCount; i++) {
    const p = g.nodes.purl[i] as number;
    if (p === NO_STRING || !nodeAdmitted(admission, i)) continue;
    let hit = verdicts.get(p);
    if (hit === undefined) {
      hit = matches(g.strings.get(p));
      verdicts.set(p, hit);
    }
    if (hit) seeds.push(i);
  }
  const member = new Uint8Array(g.nodeCount);
  const rank = new Int32Array(g.nodeCount).fill(-1);
  for (const s of seeds) {
    member[s] = 1;
    rank[s] = 0;
  }
  const expand = (forward: boolean) => {
    const reach = bfs(g, seeds, forward, depth, admission);
    for (const v of reach.order) {
      member[v] = 1;
      const d = reach.dist[v] as number;
      if (rank[v] === -1 || d < (rank[v] as number)) rank[v] = d;
    }
  };
  if (direction !== 'upstream') expand(true);
  if (direction !== 'downstream') expand(false);

  const echo = {
    type: 'package' as const,
    purl,
    depth,
    direction,
    ...(observed ? { observed } : {}),
    ...(assume ? { assume } : {}),
  };
  const selection = selectAnswer(g, member, rank, admission, limits.maxNodes);
  return sliceResponse(g, echo, selection, { matched: seeds.length }, limits);
}
