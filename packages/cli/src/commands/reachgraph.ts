import { readFile } from 'node:fs/promises';
import type { BuildRequest, GraphSummary, ListParams, ReachGraphList } from '@stella-ops/client';
import { type ReachGraph, type ReplayRequest, type VulnerableSink, validate } from '@stella-ops/core';
import { loadGraph, sliceGraph } from '@stella-ops/graph';
import type { Command } from 'commander';
import { CliError, usage } from '../cli-error.js';
import type { CommandContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { counted, progressBar } from '../io/progress.js';
import { readJson } from '../io/read-input.js';
import { uploadBody } from '../io/upload-body.js';
import { writeFileAtomic } from '../io/write-output.js';
import { examples } from './help.js';
import { registerReachGraphBundle } from './reachgraph-bundle.js';
import { registerReachGraphDiff } from './reachgraph-diff.js';
import { readReplayInputs } from './replay-inputs.js';
import { type EvidenceCliOptions, printEvidence, wantsEvidence } from './slice-evidence.js';
import { intOption, printSlice, sliceParamsOf, sliceQueryOf } from './slice-options.js';

type Run = (cmd: Command) => CommandContext;

function summaryLine(ctx: CommandContext, g: GraphSummary): string {
  const state =
    g.created === undefined ? '' : g.created ? ctx.out.style('green', ' (new)') : ' (already stored)';
  return `${ctx.out.style('bold', g.digest)}${state}  ${g.artifact.name} ${g.artifact.digest}  ${g.counts.nodes} nodes, ${g.counts.edges} edges  ${g.createdAt}`;
}

interface ListCliOptions {
  cve?: string;
  purl?: string;
  artifact?: string;
  artifactName?: string;
  limit?: string;
  cursor?: string;
  all?: boolean;
}

async function list(ctx: CommandContext, o: ListCliOptions): Promise<void> {
  const limit = intOption(o.limit, '--limit');
  const params: ListParams = {
    ...(o.cve !== undefined ? { cve: o.cve } : {}),
    ...(o.purl !== undefined ? { purl: o.purl } : {}),
    ...(o.artifact !== undefined ? { artifactDigest: o.artifact } : {}),
    ...(o.artifactName !== undefined ? { artifactName: o.artifactName } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(o.cursor !== undefined ? { cursor: o.cursor } : {}),
  };
  let page: ReachGraphList;
  if (o.all) {
    const graphs: ReachGraphList['graphs'] = [];
    let last: ReachGraphList | undefined;
    for await (const p of ctx.reachgraph().listPages(params)) {
      graphs.push(...p.graphs);
      last = p;
    }
    // One answer of every page's graphs (no cursor: there is nothing after it).
    page = { schemaVersion: 'reachgraph.list@v1', query: last?.query ?? { limit: limit ?? 50 }, graphs };
  } else {
    page = await ctx.reachgraph().list(params);
  }
  ctx.out.result(page, () => {
    const lines = page.graphs.map((g) => summaryLine(ctx, g));
    if (lines.length === 0) lines.push('no graphs');
    if (page.nextCursor) lines.push(`more: --cursor ${page.nextCursor}`);
    return lines.join('\n');
  });
}

async function upsert(ctx: CommandContext, file: string, opts: { expectDigest?: string }): Promise<void> {
  const { body, progress } = await uploadBody(ctx.io, file, 'upload', ctx.progress);
  const stored = await ctx.reachgraph().upsert(body, {
    ...(opts.expectDigest ? { expectedDigest: opts.expectDigest } : {}),
  });
  progress.done();
  ctx.out.result(stored, () => summaryLine(ctx, stored));
}

async function get(ctx: CommandContext, digest: string, opts: { output?: string }): Promise<void> {
  const stream = await ctx.reachgraph().open(digest);
  const progress = progressBar(ctx.io, 'download', stream.size, ctx.progress);
  const parts: Uint8Array[] = [];
  for await (const chunk of counted(stream.chunks, progress)) parts.push(chunk);
  progress.done();
  const bytes = Buffer.concat(parts); // verified: the iteration ended without DIGEST_MISMATCH
  if (opts.output) {
    await writeFileAtomic(opts.output, bytes);
    ctx.out.result({ digest, bytes: bytes.length, output: opts.output }, () => `${digest} → ${opts.output}`);
  } else {
    await ctx.out.raw(bytes);
  }
}

async function slice(
  ctx: CommandContext,
  digest: string | undefined,
  opts: EvidenceCliOptions,
): Promise<void> {
  if (wantsEvidence(opts) && (await printEvidence(ctx, digest, opts))) return;
  if (opts.graph !== undefined) {
    if (digest !== undefined) throw usage('give a digest or --graph <file>, not both');
    const doc = validate('reachgraph.min@v1', await readJson(ctx.io, opts.graph)) as ReachGraph;
    const result = sliceGraph(await loadGraph(doc), sliceQueryOf(opts));
    printSlice(ctx.out, result, opts.format);
    return;
  }
  if (digest === undefined) throw usage('give the graph digest, or --graph <file> to slice a local graph');
  printSlice(ctx.out, await ctx.reachgraph().slice(digest, sliceParamsOf(opts)), opts.format);
}

async function replay(ctx: CommandContext, digest: string, opts: { inputs?: string }): Promise<void> {
  const request: ReplayRequest = { expectedDigest: digest };
  if (opts.inputs) request.inputs = await readReplayInputs(opts.inputs);
  const outcome = await ctx.reachgraph().replay(request);
  ctx.out.result(outcome, () =>
    outcome.match
      ? `${ctx.out.style('green', 'match')} ${outcome.computedDigest}`
      : `${ctx.out.style('red', 'mismatch')} expected ${outcome.expectedDigest}, rebuilt ${outcome.computedDigest}\n${JSON.stringify(outcome.diff ?? {}, null, 2)}`,
  );
  if (!outcome.match) {
    throw new CliError(
      'REPLAY_MISMATCH',
      `the rebuilt graph is ${outcome.computedDigest}`,
      EXIT.VERIFICATION_FAILED,
    );
  }
}

interface BuildCliOptions {
  callgraph: string;
  batch: string[];
  sinks?: string;
  osv?: string;
  artifactName: string;
  artifactDigest: string;
}

async function build(ctx: CommandContext, opts: BuildCliOptions): Promise<void> {
  const req: BuildRequest = {
    callgraphId: opts.callgraph,
    artifact: { name: opts.artifactName, digest: opts.artifactDigest },
    ...(opts.batch.length > 0 ? { runtimeFactBatchIds: opts.batch } : {}),
  };
  if (opts.sinks) req.sinks = JSON.parse(await readFile(opts.sinks, 'utf8')) as VulnerableSink[];
  if (opts.osv)
    req.vulnerabilities = JSON.parse(await readFile(opts.osv, 'utf8')) as BuildRequest['vulnerabilities'];
  const built = await ctx.reachgraph().build(req);
  ctx.out.result(built, () => summaryLine(ctx, built));
}

/** `stella reachgraph ...`. */
export function registerReachGraph(program: Command, run: Run): void {
  const rg = examples(
    program
      .command('reachgraph')
      .description('reachability graphs: store, fetch (verified), slice, replay (ReachGraph service)'),
    'stella reachgraph upsert graph.json',
    'stella reachgraph slice blake3:9f2c… --cve CVE-2021-23337',
  );

  examples(
    rg
      .command('upsert')
      .description('store a reachgraph.min@v1 document (idempotent); prints its digest')
      .argument('<file>', 'graph JSON, - for stdin')
      .option('--expect-digest <digest>', 'fail (exit 3) unless the graph has this digest')
      .action(async (file: string, opts: { expectDigest?: string }, cmd: Command) =>
        upsert(run(cmd), file, opts),
      ),
    'stella reachgraph upsert graph.json',
    'stella reachgraph upsert graph.json --expect-digest "$(stella digest graph.json --json | jq -r .digest)"',
  );

  examples(
    rg
      .command('get')
      .description('download a graph, verified against its digest (exit 3 on mismatch)')
      .argument('<digest>', 'blake3:<64 hex>')
      .option('-o, --output <file>', 'write to a file instead of stdout')
      .action(async (digest: string, opts: { output?: string }, cmd: Command) => get(run(cmd), digest, opts)),
    'stella reachgraph get blake3:9f2c… -o graph.json',
  );

  examples(
    rg
      .command('slice')
      .description('a slice with explained paths, from the service or (--graph) from a local file')
      .argument('[digest]', 'blake3:<64 hex> (omit with --graph)')
      .option('--cve <id>', 'CVE slice: entrypoint → sink paths for the vulnerability')
      .option('--purl <purl>', 'package slice (* wildcards allowed)')
      .option('--entrypoint <id>', 'entrypoint slice')
      .option('--file <glob>', 'file slice')
      .option('--depth <n>', '1–10')
      .option('--direction <dir>', 'upstream | downstream | both')
      .option('--sinks-only', 'entrypoint slices: only paths reaching sinks')
      .option('--observed <filter>', 'only | exclude runtime-observed edges')
      .option(
        '--assume <pairs>',
        'KEY=VALUE[,KEY=VALUE…]: prune edges whose EnvGuard/FeatureFlag/PlatformArch guard contradicts them',
      )
      .option('--limit <n>', 'page size (service)')
      .option('--cursor <cursor>', 'next page (service)')
      .option('--no-cache', 'bypass the service slice caches')
      .option('--format <format>', 'tree | json | dot | mermaid | openvex (CVE slices, service)', 'tree')
      .option(
        '--attestation <file>',
        'CVE slices: save the signed in-toto statement (DSSE) of the slice and its OpenVEX',
      )
      .option('--graph <file>', 'slice a local reachgraph.min@v1 file, no server')
      .action(async (digest: string | undefined, opts: EvidenceCliOptions, cmd: Command) =>
        slice(run(cmd), digest, opts),
      ),
    'stella reachgraph slice blake3:9f2c… --cve CVE-2021-23337',
    'stella reachgraph slice blake3:9f2c… --cve CVE-2021-23337 --assume "os=linux,FEATURE_X=disabled"',
    'stella reachgraph slice --graph graph.json --purl "pkg:npm/lodash@*" --depth 2 --format dot | dot -Tsvg > slice.svg',
    'stella reachgraph slice blake3:9f2c… --cve CVE-2021-23337 --format openvex --attestation vex.dsse.json > vex.json',
  );

  registerReachGraphDiff(rg, run);
  registerReachGraphBundle(rg, run);

  examples(
    rg
      .command('replay')
      .description('rebuild a graph from its inputs and compare digests (exit 3 when they differ)')
      .argument('<digest>', 'the digest the graph should have')
      .option(
        '--inputs <dir>',
        'artifact.json, callgraph.ndjson, runtime-facts*.ndjson, sinks.json (default: the inputs recorded in the graph)',
      )
      .action(async (digest: string, opts: { inputs?: string }, cmd: Command) =>
        replay(run(cmd), digest, opts),
      ),
    'stella reachgraph replay blake3:9f2c…',
    'stella reachgraph replay blake3:9f2c… --inputs ./orders-api',
  );

  examples(
    rg
      .command('by-artifact')
      .description("list the tenant's graphs of an artifact, newest first")
      .argument('<digest>', 'artifact digest (sha256:, sha512: or blake3:)')
      .action(async (digest: string, _o: unknown, cmd: Command) => {
        const ctx = run(cmd);
        // Every page: an artifact's graphs fit in one page (500) but for rare exceptions.
        const graphs: GraphSummary[] = [];
        for await (const page of ctx.reachgraph().byArtifactPages(digest)) graphs.push(...page.graphs);
        const list = { artifactDigest: digest, graphs };
        ctx.out.result(list, () =>
          graphs.length === 0 ? 'no graphs' : graphs.map((g) => summaryLine(ctx, g)).join('\n'),
        );
      }),
    'stella reachgraph by-artifact sha256:0d6e…',
  );

  examples(
    rg
      .command('list')
      .description("list the tenant's graphs, newest first, that match every filter given")
      .option('--cve <id>', 'a sink of the graph carries this vulnerability, or its scope names it')
      .option(
        '--purl <purl>',
        'a node of the graph belongs to this package URL (`@*` at the end: any version)',
      )
      .option('--artifact <digest>', 'the graph describes this artifact (sha256:, sha512: or blake3:)')
      .option('--artifact-name <name>', "the artifact's name, exactly")
      .option('--limit <n>', 'graphs per page (1..500; default 50)')
      .option('--cursor <cursor>', 'continue from the nextCursor of an earlier page')
      .option('--all', 'follow every page')
      .action(async (o: ListCliOptions, cmd: Command) => list(run(cmd), o)),
    'stella reachgraph list --cve CVE-2021-23337',
    "stella reachgraph list --purl 'pkg:npm/lodash@*' --all --json",
  );

  examples(
    rg
      .command('dsse')
      .description("print a graph's DSSE envelope (payload checked against the digest)")
      .argument('<digest>', 'blake3:<64 hex>')
      .action(async (digest: string, _o: unknown, cmd: Command) => {
        const ctx = run(cmd);
        const envelope = await ctx.reachgraph().dsse(digest);
        ctx.out.result(envelope, () => JSON.stringify(envelope, null, 2));
      }),
    'stella reachgraph dsse blake3:9f2c… > graph.dsse.json && stella verify graph.dsse.json --key reachgraph.pem',
  );

  examples(
    rg
      .command('delete')
      .description('delete a graph (admin scope; audit-logged)')
      .argument('<digest>', 'blake3:<64 hex>')
      .action(async (digest: string, _o: unknown, cmd: Command) => {
        const ctx = run(cmd);
        await ctx.reachgraph().delete(digest);
        ctx.out.result({ deleted: digest }, () => `deleted ${digest}`);
      }),
    'stella reachgraph delete blake3:9f2c…',
  );

  examples(
    rg
      .command('build')
      .description('build a graph in the service from a Signals call graph and runtime-fact batches')
      .requiredOption('--callgraph <graphId>', 'Signals call graph id')
      .option(
        '--batch <batchId>',
        'runtime-fact batch id; repeat',
        (v: string, acc: string[]) => [...acc, v],
        [],
      )
      .option('--sinks <file>', 'JSON list of {cve, purl, symbol}')
      .option('--osv <file>', 'OSV document naming affected functions')
      .requiredOption('--artifact-name <name>', 'artifact name')
      .requiredOption('--artifact-digest <digest>', 'artifact digest')
      .action(async (opts: BuildCliOptions, cmd: Command) => build(run(cmd), opts)),
    'stella reachgraph build --callgraph 01JD… --batch 01JE… --sinks sinks.json --artifact-name acme/orders-api --artifact-digest sha256:0d6e…',
  );
}
