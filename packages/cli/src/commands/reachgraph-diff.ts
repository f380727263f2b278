import { type ReachGraph, type ReachGraphDiff, type SliceQuery, validate } from '@stella-ops/core';
import {
  type Assumptions,
  diffSlices,
  isGraphError,
  loadGraph,
  parseAssume,
  sliceGraph,
} from '@stella-ops/graph';
import type { Command } from 'commander';
import { CliError, usage } from '../cli-error.js';
import type { CommandContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { readJson } from '../io/read-input.js';
import { renderDiffText } from '../render/diff-text.js';
import { examples } from './help.js';
import { sliceQueryOf } from './slice-options.js';

type Run = (cmd: Command) => CommandContext;

const GRAPH_DIGEST = /^blake3:[a-f0-9]{64}$/;

/** The service's default slice limits (SLICE_MAX_NODES, SLICE_MAX_PATHS): offline diffs agree with online ones. */
const SERVICE_LIMITS = { maxNodes: 50_000, maxPaths: 1_000 };

/** The options of `stella reachgraph diff` as commander gives them. */
interface DiffCliOptions {
  cve?: string;
  file?: string;
  assume?: string;
  observed?: string;
  graph?: string;
  baseGraph?: string;
  failOn: string;
}

/** What makes the command exit 1: newly reachable sinks only (default), also newly gated ones, or nothing. */
const FAIL_ON = ['reachable', 'gated', 'none'] as const;

function checkOptions(o: DiffCliOptions): void {
  if ((o.cve === undefined) === (o.file === undefined)) throw usage('give exactly one of --cve, --file');
  if (!(FAIL_ON as readonly string[]).includes(o.failOn)) {
    throw usage(`--fail-on must be one of ${FAIL_ON.join(', ')}`);
  }
}

/** `--assume` parsed (a malformed one is a usage error, exit 2, checked before any request). */
function assumptionsOf(o: DiffCliOptions): Assumptions {
  if (o.assume === undefined) return {};
  try {
    return parseAssume(o.assume);
  } catch (err) {
    if (isGraphError(err, 'ASSUME_INVALID')) throw usage(`--assume: ${err.message}`);
    throw err;
  }
}

/** The query both local graphs are sliced with (validated as `stella reachgraph slice` does). */
function localQuery(o: DiffCliOptions): SliceQuery {
  const query = sliceQueryOf({
    format: 'tree',
    ...(o.cve !== undefined ? { cve: o.cve } : { file: o.file as string }),
    ...(o.observed !== undefined ? { observed: o.observed } : {}),
  });
  const assume = assumptionsOf(o);
  return Object.keys(assume).length > 0 ? { ...query, assume: { ...assume } } : query;
}

async function readGraph(ctx: CommandContext, file: string): Promise<ReachGraph> {
  return validate('reachgraph.min@v1', await readJson(ctx.io, file)) as ReachGraph;
}

async function localDiff(ctx: CommandContext, o: DiffCliOptions): Promise<ReachGraphDiff> {
  if (o.graph === undefined || o.baseGraph === undefined) throw usage('give both --graph and --base-graph');
  const query = localQuery(o);
  const [head, base] = await Promise.all([readGraph(ctx, o.graph), readGraph(ctx, o.baseGraph)]);
  const [h, b] = await Promise.all([loadGraph(head), loadGraph(base)]);
  return diffSlices(sliceGraph(b, query, SERVICE_LIMITS), sliceGraph(h, query, SERVICE_LIMITS));
}

async function remoteDiff(
  ctx: CommandContext,
  digest: string,
  baseDigest: string,
  o: DiffCliOptions,
): Promise<ReachGraphDiff> {
  if (o.observed !== undefined && o.observed !== 'only' && o.observed !== 'exclude') {
    throw usage('--observed must be only or exclude');
  }
  return ctx.reachgraph().diff(digest, baseDigest, {
    ...(o.cve !== undefined ? { cve: o.cve } : {}),
    ...(o.file !== undefined ? { file: o.file } : {}),
    ...(o.assume !== undefined ? { assume: o.assume } : {}),
    ...(o.observed !== undefined ? { observed: o.observed as 'only' | 'exclude' } : {}),
  });
}

/** The sinks that fail the check under `--fail-on`. */
function failing(diff: ReachGraphDiff, failOn: string): string[] {
  if (failOn === 'none') return [];
  return failOn === 'gated'
    ? [...diff.sinks.newlyReachable, ...diff.sinks.newlyGated]
    : diff.sinks.newlyReachable;
}

async function diff(
  ctx: CommandContext,
  digest: string | undefined,
  baseDigest: string | undefined,
  o: DiffCliOptions,
): Promise<void> {
  checkOptions(o);
  assumptionsOf(o);
  const offline = o.graph !== undefined || o.baseGraph !== undefined;
  if (offline && (digest !== undefined || baseDigest !== undefined)) {
    throw usage('give two digests or --graph and --base-graph, not both');
  }
  if (!offline && (digest === undefined || baseDigest === undefined)) {
    throw usage('give the head and base digests, or --graph <file> --base-graph <file> to diff local graphs');
  }
  // Checked here so a mistyped digest is a usage error (exit 2), never the exit 1 of a failed check.
  for (const d of [digest, baseDigest]) {
    if (d !== undefined && !GRAPH_DIGEST.test(d)) throw usage(`${d} is not a graph digest (blake3:<64 hex>)`);
  }
  const result = offline
    ? await localDiff(ctx, o)
    : await remoteDiff(ctx, digest as string, baseDigest as string, o);
  ctx.out.result(result, () => renderDiffText(ctx.out, result));
  const bad = failing(result, o.failOn);
  if (bad.length > 0) {
    const what = o.failOn === 'gated' ? 'newly reachable or gated' : 'newly reachable';
    throw new CliError('NEWLY_REACHABLE', `${bad.length} sink(s) ${what}: ${bad.join(', ')}`, EXIT.ERROR);
  }
}

/** `stella reachgraph diff`: a PR check that fails when a sink becomes reachable. */
export function registerReachGraphDiff(rg: Command, run: Run): void {
  examples(
    rg
      .command('diff')
      .description(
        "what changed in a CVE's (or file glob's) reachability from a base graph to a head graph; exit 1 when a sink is newly reachable (a PR check)",
      )
      .argument('[digest]', 'the head graph, blake3:<64 hex> (omit with --graph)')
      .argument('[baseDigest]', 'the base graph, blake3:<64 hex> (omit with --base-graph)')
      .option('--cve <id>', 'the sinks of a vulnerability')
      .option('--file <glob>', 'the nodes in files matching a glob')
      .option('--assume <KEY=VALUE,...>', 'assumptions about the deployment, applied to both graphs')
      .option('--observed <filter>', 'only | exclude runtime-observed edges')
      .option('--graph <file>', 'the head graph as a local reachgraph.min@v1 file, no server')
      .option('--base-graph <file>', 'the base graph as a local file')
      .option(
        '--fail-on <what>',
        'exit 1 on: reachable (newly reachable sinks), gated (also newly gated), none',
        'reachable',
      )
      .action(
        async (
          digest: string | undefined,
          baseDigest: string | undefined,
          opts: DiffCliOptions,
          cmd: Command,
        ) => diff(run(cmd), digest, baseDigest, opts),
      ),
    'stella reachgraph diff blake3:<head> blake3:<base> --cve CVE-2021-23337',
    'stella reachgraph diff --graph head.json --base-graph base.json --file "src/**" --json',
  );
}
