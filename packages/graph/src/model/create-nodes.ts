import type { ReachGraphNode } from '@stella-ops/core';
import { fail } from '../error.js';
import {
  isText,
  optionalLine,
  optionalObservation,
  optionalString,
  optionalStringSet,
  requiredString,
} from './check-fields.js';
import { nodeKindCode } from './enums.js';
import {
  FLAG_ENTRYPOINT,
  FLAG_SINK,
  MAX_LINE,
  NO_LINE,
  NO_OBSERVATION,
  NO_STRING,
  type NodeColumns,
} from './graph.js';
import type { Interner } from './interner.js';
import type { ObservationBuilder } from './observation-builder.js';

/**
 * Node columns from the document's nodes, numbered in ascending id order. Interns the ids first,
 * so string `i` is the id of node `i`.
 */
export function buildNodes(
  raw: readonly ReachGraphNode[],
  strings: Interner,
  observations: ObservationBuilder,
): NodeColumns {
  const n = raw.length;
  const ids = raw.map((node, i) => {
    if (node === null || typeof node !== 'object') fail('GRAPH_INVALID', `nodes[${i}] must be an object`);
    const id = node.id;
    return isText(id) ? id : requiredString(id, `nodes[${i}].id`);
  });
  const order = idOrder(ids);
  for (let i = 0; i < n; i++) {
    const id = ids[order[i] as number] as string;
    if (strings.intern(id) !== i) fail('GRAPH_INVALID', `duplicate node id ${JSON.stringify(id)}`);
  }

  const kind = new Uint8Array(n);
  const flags = new Uint8Array(n);
  const purl = new Uint32Array(n).fill(NO_STRING);
  const symbol = new Uint32Array(n).fill(NO_STRING);
  const file = new Uint32Array(n).fill(NO_STRING);
  const line = new Uint32Array(n).fill(NO_LINE);
  const observation = new Int32Array(n).fill(NO_OBSERVATION);
  const cveOffsets = new Uint32Array(n + 1);
  const cves: number[] = [];

  const purlOf = internColumn(strings, 'purl');
  const symbolOf = internColumn(strings, 'symbol');
  const fileOf = internColumn(strings, 'file');
  for (let i = 0; i < n; i++) {
    const at = order[i] as number;
    const node = raw[at] as ReachGraphNode;
    // Field names for errors are made only when a check fails: a node has six fields and a graph
    // hundreds of thousands of nodes.
    const k = nodeKindCode(node.kind);
    if (k < 0) fail('GRAPH_INVALID', `nodes[${at}].kind ${JSON.stringify(node.kind)} is not a node kind`);
    kind[i] = k;
    flags[i] = (node.isEntrypoint === true ? FLAG_ENTRYPOINT : 0) | (node.isSink === true ? FLAG_SINK : 0);
    purl[i] = purlOf(node.purl, at);
    symbol[i] = symbolOf(node.symbol, at);
    file[i] = fileOf(node.file, at);
    const l = node.line;
    line[i] =
      l === undefined
        ? NO_LINE
        : typeof l === 'number' && Number.isInteger(l) && l >= 0 && l <= MAX_LINE
          ? l
          : (optionalLine(l, `nodes[${at}].line`) ?? NO_LINE);
    if (node.cves !== undefined) {
      for (const cve of optionalStringSet(node.cves, `nodes[${at}].cves`) ?? [])
        cves.push(strings.intern(cve));
    }
    cveOffsets[i + 1] = cves.length;
    if (node.observed !== undefined) {
      const obs = optionalObservation(node.observed, `nodes[${at}].observed`);
      if (obs) observation[i] = observations.add(obs);
    }
  }
  return { kind, flags, purl, symbol, file, line, observation, cveOffsets, cves: Uint32Array.from(cves) };
}

/**
 * Interns an optional string field of every node (NO_STRING when absent). Nodes in id order often
 * repeat the field of the node before (a package's functions share its purl and files): an equal
 * value reuses that index without hashing the string again.
 */
function internColumn(strings: Interner, field: string): (value: unknown, at: number) => number {
  let last: string | undefined;
  let lastIndex = NO_STRING;
  return (value, at) => {
    if (value === last && last !== undefined) return lastIndex;
    if (value === undefined || value === null) return NO_STRING;
    const s = isText(value) ? value : (optionalString(value, `nodes[${at}].${field}`) as string);
    last = s;
    lastIndex = strings.intern(s);
    return lastIndex;
  };
}

/** Positions of `ids` in ascending order (no sort when they already are). */
function idOrder(ids: readonly string[]): Uint32Array | number[] {
  let sorted = true;
  for (let i = 1; i < ids.length && sorted; i++) sorted = (ids[i - 1] as string) < (ids[i] as string);
  if (sorted) {
    const identity = new Uint32Array(ids.length);
    for (let i = 0; i < ids.length; i++) identity[i] = i;
    return identity;
  }
  const order = ids.map((_, i) => i);
  order.sort((a, b) => {
    const x = ids[a] as string;
    const y = ids[b] as string;
    return x < y ? -1 : x > y ? 1 : a - b;
  });
  return order;
}
