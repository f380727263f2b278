import { EDGE_TYPES } from './enums.js';

/**
 * Rank of each edge type code in name order, so edges sort by (from, to, why.type, why.guard) with
 * types compared as strings — the order the document normalisation uses.
 */
export const EDGE_TYPE_RANK: readonly number[] = (() => {
  const names = [...EDGE_TYPES].sort();
  return EDGE_TYPES.map((t) => names.indexOf(t));
})();
