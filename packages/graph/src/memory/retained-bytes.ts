import { guardStatesBytes } from '../guards/guard-states.js';
import type { Graph } from '../model/graph.js';
import { graphOwnBytes } from '../model/graph-bytes.js';
import { derivedBytes } from '../slice/derived.js';
import { searchBuffersBytes } from '../slice/search-buffers.js';

/**
 * The bytes `graph` holds right now: its own typed arrays (each underlying buffer counted once —
 * a graph decoded from bytes is views over one buffer), plus everything the engine has memoised
 * for it so far: strings decoded from its string table, the query-independent facts slices derive
 * (per observed filter: admission, entrypoints, forward reach, reach mask, search region; the
 * CVE → nodes index), guard states, and the search buffers kept between slices. It grows as
 * queries fill those caches and stays put when a query finds everything cached.
 *
 * Typed arrays count exactly by their buffers' byteLength. JavaScript arrays, objects, Maps and
 * strings count by estimates of V8's layout (8 bytes per array element or property, a string's
 * characters at one or two bytes each plus a 16-byte header, 40 bytes per Map entry): within a
 * few percent of the measured heap for the strings of a 100k-node graph, but not a measurement.
 * A graph built from JSON (`createGraph`) counts all its strings on the first call.
 *
 * Cheap enough to call after every slice: it reads a few dozen array lengths and running totals,
 * and walks no per-node structure (the first call on a graph built from JSON excepted).
 */
export function retainedBytes(graph: Graph): number {
  return graphOwnBytes(graph) + derivedBytes(graph) + guardStatesBytes(graph) + searchBuffersBytes(graph);
}
