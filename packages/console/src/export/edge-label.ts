import type { SliceEdge } from '../model/types.js';

/** The label of an exported edge: its type, and its guard when it has one. */
export function edgeLabel(edge: Pick<SliceEdge, 'why'>): string {
  return edge.why.guard ? `${edge.why.type}: ${edge.why.guard}` : edge.why.type;
}
