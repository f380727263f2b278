import type { Graph } from './graph.js';
import { stringTableArrays, stringTableBytes } from './string-table.js';

/** Every typed array of `g`, its string table's included. */
function graphArrays(g: Graph): ArrayBufferView[] {
  const { nodes, edges, forward, reverse, explanations, observations } = g;
  return [
    ...Object.values(nodes),
    ...Object.values(edges),
    ...Object.values(forward),
    ...Object.values(reverse),
    ...Object.values(explanations),
    ...Object.values(observations),
    ...stringTableArrays(g.strings),
  ];
}

/** The bytes of each graph's buffers (graphs are immutable: computed once). */
const bufferBytes = new WeakMap<Graph, number>();

/**
 * The bytes `g` itself holds: the buffers of its typed arrays, each buffer counted once (a graph
 * decoded from bytes is views over one buffer, which they keep alive whole), and its string
 * table's strings as far as they are decoded (estimated: see `../memory/estimate.ts`).
 */
export function graphOwnBytes(g: Graph): number {
  let bytes = bufferBytes.get(g);
  if (bytes === undefined) {
    const buffers = new Set<ArrayBufferLike>();
    for (const a of graphArrays(g)) buffers.add(a.buffer);
    bytes = 0;
    for (const b of buffers) bytes += b.byteLength;
    bufferBytes.set(g, bytes);
  }
  return bytes + stringTableBytes(g.strings);
}
