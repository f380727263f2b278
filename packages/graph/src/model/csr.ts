/** Reverse adjacency built from a forward one: sources ascending per target, with edge numbers. */
export function reverseOf(
  nodeCount: number,
  offsets: Uint32Array,
  targets: Uint32Array,
): { offsets: Uint32Array; sources: Uint32Array; edges: Uint32Array } {
  const edgeCount = targets.length;
  const revOffsets = new Uint32Array(nodeCount + 1);
  for (let k = 0; k < edgeCount; k++) {
    const at = (targets[k] as number) + 1;
    revOffsets[at] = (revOffsets[at] as number) + 1;
  }
  for (let v = 0; v < nodeCount; v++)
    revOffsets[v + 1] = (revOffsets[v + 1] as number) + (revOffsets[v] as number);
  const cursor = revOffsets.slice(0, nodeCount);
  const sources = new Uint32Array(edgeCount);
  const edges = new Uint32Array(edgeCount);
  for (let u = 0; u < nodeCount; u++) {
    const end = offsets[u + 1] as number;
    for (let k = offsets[u] as number; k < end; k++) {
      const v = targets[k] as number;
      const at = cursor[v] as number;
      cursor[v] = at + 1;
      sources[at] = u;
      edges[at] = k;
    }
  }
  return { offsets: revOffsets, sources, edges };
}

/** The source node of forward edge `k`: binary search in the forward offsets. */
export function edgeSource(offsets: Uint32Array, k: number): number {
  let lo = 0;
  let hi = offsets.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((offsets[mid] as number) <= k) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
