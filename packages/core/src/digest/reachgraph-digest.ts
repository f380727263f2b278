import { canonicalizeToBytes } from '../json/canonicalize.js';
import { blake3Canonical } from './canonical-digest.js';
import { normalizedReachGraphView } from './reachgraph-normalized.js';
import type { ReachGraph } from './reachgraph-types.js';

/** The DSSE payload type of a reachgraph.min@v1 document. */
export const REACHGRAPH_PAYLOAD_TYPE = 'application/vnd.stella.reachgraph.min+json';

/**
 * The digest of a reachgraph (DESIGN §4): `blake3:` + hex BLAKE3-256 of the RFC 8785 canonical
 * JSON of {@link normalizeReachGraph}`(doc)`, i.e. `blake3(canonicalize(normalizeReachGraph(doc)))`
 * (streamed; a document that is normalised already is hashed as it is, without a copy). Independent
 * of `signatures`, of the order of nodes, edges, inputs and set-like lists, and of `null` members.
 * @throws CoreError `CANONICAL_JSON_INVALID` when the document is not JSON data.
 */
export function reachGraphDigest(doc: ReachGraph): Promise<string> {
  return blake3Canonical(normalizedReachGraphView(doc));
}

/**
 * The bytes a reachgraph signature covers (inside DSSE PAE with {@link REACHGRAPH_PAYLOAD_TYPE}):
 * the canonical JSON of the normalised document without `signatures`, as UTF-8.
 * @throws CoreError `CANONICAL_JSON_INVALID` when the document is not JSON data.
 */
export function reachGraphPayload(doc: ReachGraph): Uint8Array {
  return canonicalizeToBytes(normalizedReachGraphView(doc));
}
