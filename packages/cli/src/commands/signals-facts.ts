import type { Command } from 'commander';
import { CliError, usage } from '../cli-error.js';
import type { CommandContext } from '../context.js';
import { progressBar } from '../io/progress.js';
import { openInput } from '../io/read-input.js';
import { MAX_BATCH_BYTES, splitNdjsonBatches } from '../io/split-batches.js';
import { examples } from './help.js';

type Run = (cmd: Command) => CommandContext;

interface FactsPushOptions {
  callgraph: string;
  source: string;
  maxBatchBytes?: string;
  idempotencyKey?: string;
}

async function pushFacts(ctx: CommandContext, file: string, opts: FactsPushOptions): Promise<void> {
  const max = opts.maxBatchBytes === undefined ? MAX_BATCH_BYTES : Number(opts.maxBatchBytes);
  if (!Number.isSafeInteger(max) || max < 1 || max > MAX_BATCH_BYTES) {
    throw usage(`--max-batch-bytes must be an integer from 1 to ${MAX_BATCH_BYTES}`);
  }
  const { stream, size } = await openInput(ctx.io, file);
  const client = ctx.signals();
  const progress = progressBar(ctx.io, 'facts', size, ctx.progress);
  const batches: {
    batchId: string;
    provenanceHash: string;
    factCount: number;
    merged: number;
    bytes: number;
  }[] = [];
  let sent = 0;
  for await (const batch of splitNdjsonBatches(stream, max)) {
    let pushed: Awaited<ReturnType<typeof client.pushRuntimeFacts>>;
    try {
      pushed = await client.pushRuntimeFacts(batch, {
        callgraphId: opts.callgraph,
        source: opts.source,
        // Batch n of a rerun with the same key is answered with what the first run stored.
        ...(opts.idempotencyKey ? { idempotencyKey: `${opts.idempotencyKey}-${batches.length + 1}` } : {}),
      });
    } catch (err) {
      if (batches.length > 0) {
        ctx.io.stderr.write(
          `stella: ${batches.length} batch(es) were stored before the failure, covering the first ${sent} bytes of non-blank lines: ${batches.map((b) => b.batchId).join(' ')}\n`,
        );
      }
      throw err;
    }
    sent += batch.length;
    progress.add(batch.length);
    batches.push({
      batchId: pushed.provenance.batchId,
      provenanceHash: pushed.provenance.provenanceHash,
      factCount: pushed.provenance.factCount,
      merged: pushed.merged,
      bytes: batch.length,
    });
  }
  progress.done();
  if (batches.length === 0) throw new CliError('FACTS_EMPTY', `${file} holds no facts`);
  const facts = batches.reduce((n, b) => n + b.factCount, 0);
  ctx.out.result({ callgraphId: opts.callgraph, batches, factCount: facts }, () =>
    [
      ...batches.map((b) => `${ctx.out.style('bold', b.batchId)}  ${b.provenanceHash}  ${b.factCount} facts`),
      `${facts} facts in ${batches.length} batch${batches.length === 1 ? '' : 'es'}`,
    ].join('\n'),
  );
}

interface StreamOptions {
  since?: string;
  callgraph?: string;
  includeProvenance?: boolean;
  cursor?: string;
  max?: string;
}

async function streamFacts(ctx: CommandContext, opts: StreamOptions): Promise<void> {
  const limit = opts.max === undefined ? Number.POSITIVE_INFINITY : Number(opts.max);
  if (!(limit > 0)) throw usage('--max must be a positive integer');
  let n = 0;
  const feed = ctx.signals().streamFacts({
    ...(opts.since ? { since: opts.since } : {}),
    ...(opts.callgraph ? { callgraphId: opts.callgraph } : {}),
    ...(opts.includeProvenance ? { includeProvenance: true } : {}),
    ...(opts.cursor ? { cursor: opts.cursor } : {}),
  });
  for await (const line of feed) {
    const text = ctx.out.json
      ? JSON.stringify(line)
      : `${line.ingestedAt}  ${line.batchId}  ${line.fact.factType.padEnd(10)} ${ctx.out.style('bold', line.fact.symbolId)}  ×${line.fact.hitCount}`;
    await ctx.out.raw(`${text}\n`);
    if (++n >= limit) break;
  }
}

/** `stella signals facts ...`. */
export function registerFacts(signals: Command, run: Run): void {
  const facts = examples(
    signals.command('facts').description('runtime facts'),
    'stella signals facts stream --callgraph 01JD8…',
  );
  examples(
    facts
      .command('push')
      .description('upload runtime facts (NDJSON), split into batches of at most 10 MiB at line boundaries')
      .argument('<file>', 'facts NDJSON, - for stdin')
      .requiredOption('--callgraph <graphId>', 'the call graph the facts belong to')
      .requiredOption('--source <name>', 'host or service that collected them')
      .option('--max-batch-bytes <n>', 'batch size limit (at most 10 MiB)')
      .option('--idempotency-key <key>', 'batch n is sent with <key>-n: a rerun stores only what is missing')
      .action(async (file: string, opts: FactsPushOptions, cmd: Command) => pushFacts(run(cmd), file, opts)),
    'stella signals facts push facts.ndjson --callgraph 01JD8… --source web-1',
    'stella signals facts push facts.ndjson --callgraph 01JD8… --source web-1 --idempotency-key "$CI_JOB_ID"',
  );

  examples(
    facts
      .command('stream')
      .description('stream the runtime-fact feed (NDJSON with --json)')
      .option('--since <time>', 'RFC 3339: batches ingested at or after')
      .option('--callgraph <graphId>', "one call graph's batches")
      .option('--include-provenance', 'add provenance_hash and callgraph_id')
      .option('--cursor <cursor>', 'resume after the line that carried this cursor')
      .option('--max <n>', 'stop after n lines')
      .action(async (opts: StreamOptions, cmd: Command) => streamFacts(run(cmd), opts)),
    'stella signals facts stream --since 2026-11-20T00:00:00Z --json | jq .fact.symbolId',
  );

  examples(
    facts
      .command('get')
      .description('download a batch, verified against its provenance hash')
      .argument('<batchId>', 'ULID')
      .action(async (batchId: string, _o: unknown, cmd: Command) => {
        const ctx = run(cmd);
        const batch = await ctx.signals().getFactBatch(batchId);
        await ctx.out.raw(batch.bytes);
      }),
    'stella signals facts get 01JE2…',
  );
}
