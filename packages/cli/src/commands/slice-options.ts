import type { SliceParams } from '@stella-ops/client';
import type { SliceQuery, SliceResponse } from '@stella-ops/core';
import { formatAssume, isGraphError, parseAssume } from '@stella-ops/graph';
import { usage } from '../cli-error.js';
import type { Output } from '../io/output.js';
import { renderSliceDot, renderSliceMermaid } from '../render/slice-graphviz.js';
import { renderSliceTree } from '../render/slice-tree.js';

/** The options of `stella reachgraph slice` as commander gives them. */
export interface SliceCliOptions {
  cve?: string;
  purl?: string;
  entrypoint?: string;
  file?: string;
  depth?: string;
  direction?: string;
  sinksOnly?: boolean;
  observed?: string;
  /** Assumptions `KEY=VALUE[,KEY=VALUE…]` (conditional reachability). */
  assume?: string;
  limit?: string;
  cursor?: string;
  format: string;
  graph?: string;
  noCache?: boolean;
  cache?: boolean;
}

const FORMATS = ['tree', 'json', 'dot', 'mermaid', 'openvex'];

/** An integer option (a usage error otherwise); undefined when not given. */
export function intOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw usage(`${name} must be an integer, got ${value}`);
  return Number(value);
}

/** `--assume` as assumptions sorted by key (a usage error when malformed); undefined when none. */
function assumptionsOf(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = parseAssume(text);
    return Object.keys(parsed).length > 0 ? { ...parsed } : undefined;
  } catch (err) {
    if (isGraphError(err, 'ASSUME_INVALID')) throw usage(`--assume: ${err.message}`);
    throw err;
  }
}

/** The slice query the options describe: exactly one of --cve, --purl, --entrypoint, --file. */
export function sliceQueryOf(o: SliceCliOptions): SliceQuery {
  const given = (['cve', 'purl', 'entrypoint', 'file'] as const).filter((k) => o[k] !== undefined);
  if (given.length !== 1) throw usage('give exactly one of --cve, --purl, --entrypoint, --file');
  if (!FORMATS.includes(o.format)) throw usage(`--format must be one of ${FORMATS.join(', ')}`);
  if (o.direction !== undefined && !['upstream', 'downstream', 'both'].includes(o.direction)) {
    throw usage('--direction must be upstream, downstream or both');
  }
  if (o.observed !== undefined && !['only', 'exclude'].includes(o.observed)) {
    throw usage('--observed must be only or exclude');
  }
  const kind = given[0]!;
  const type = kind === 'purl' ? 'package' : kind;
  const depth = intOption(o.depth, '--depth');
  const assume = assumptionsOf(o.assume);
  return {
    type,
    [kind]: o[kind],
    ...(depth !== undefined ? { depth } : {}),
    ...(o.direction ? { direction: o.direction as SliceQuery['direction'] } : {}),
    ...(o.sinksOnly ? { sinksOnly: true } : {}),
    ...(o.observed ? { observed: o.observed as SliceQuery['observed'] } : {}),
    ...(assume ? { assume } : {}),
  };
}

/** The client parameters for the same query, with paging. */
export function sliceParamsOf(o: SliceCliOptions): SliceParams {
  const q = sliceQueryOf(o);
  const limit = intOption(o.limit, '--limit');
  return {
    ...(q.purl !== undefined ? { purl: q.purl } : {}),
    ...(q.cve !== undefined ? { cve: q.cve } : {}),
    ...(q.entrypoint !== undefined ? { entrypoint: q.entrypoint } : {}),
    ...(q.file !== undefined ? { file: q.file } : {}),
    ...(q.depth !== undefined ? { depth: q.depth } : {}),
    ...(q.direction ? { direction: q.direction } : {}),
    ...(q.sinksOnly ? { sinksOnly: true } : {}),
    ...(q.observed ? { observed: q.observed } : {}),
    ...(q.assume ? { assume: formatAssume(q.assume) } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(o.cursor ? { cursor: o.cursor } : {}),
    ...(o.cache === false ? { noCache: true } : {}),
  };
}

/** Writes a slice in the format asked for (`--json` means `--format json`). */
export function printSlice(out: Output, slice: SliceResponse, format: string): void {
  if (out.json || format === 'json') {
    out.io.stdout.write(`${JSON.stringify(slice)}\n`);
    return;
  }
  const text =
    format === 'dot'
      ? renderSliceDot(slice)
      : format === 'mermaid'
        ? renderSliceMermaid(slice)
        : renderSliceTree(out, slice);
  out.io.stdout.write(`${text}\n`);
}
