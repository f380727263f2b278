import type { Language } from '@stella-ops/core';
import type { Command } from 'commander';
import { CliError, usage } from '../cli-error.js';
import type { CommandContext } from '../context.js';
import { counted, progressBar } from '../io/progress.js';
import { openInput, readJson } from '../io/read-input.js';
import { MAX_BATCH_BYTES, splitNdjsonBatches } from '../io/split-batches.js';
import { uploadBody } from '../io/upload-body.js';
import { writeFileAtomic } from '../io/write-output.js';
import { examples } from './help.js';

type Run = (cmd: Command) => CommandContext;

async function pushCallgraph(
  ctx: CommandContext,
  file: string,
  opts: { purl?: string; language?: string; source?: string },
): Promise<void> {
  const { body, progress } = await uploadBody(ctx.io, file, 'upload', ctx.progress);
  const manifest = await ctx.signals().pushCallgraph(body, {
    ...(opts.purl ? { purl: opts.purl } : {}),
    ...(opts.language ? { language: opts.language as Language } : {}),
    ...(opts.source ? { source: opts.source } : {}),
  });
  progress.done();
  ctx.out.result(
    manifest,
    () =>
      `${ctx.out.style('bold', manifest.graphId)}  ${manifest.digest}\n${manifest.componentPurl} (${manifest.language})  ${manifest.nodeCount} nodes, ${manifest.edgeCount} edges`,
  );
}

async function getCallgraph(ctx: CommandContext, graphId: string, opts: { output?: string }): Promise<void> {
  const stream = await ctx.signals().openCallgraph(graphId);
  const progress = progressBar(ctx.io, 'download', stream.size, ctx.progress);
  const parts: Uint8Array[] = [];
  for await (const chunk of counted(stream.chunks, progress)) parts.push(chunk);
  progress.done();
  const bytes = Buffer.concat(parts); // verified against X-Content-Digest
  if (opts.output) {
    await writeFileAtomic(opts.output, bytes);
    ctx.out.result(
      { graphId: stream.graphId, digest: stream.digest, bytes: bytes.length, output: opts.output },
      () => `${stream.graphId} ${stream.digest} → ${opts.output}`,
    );
  } else {
    await ctx.out.raw(bytes);
  }
}

interface FactsPushOptions {
  callgraph: string;
  source: string;
  maxBatchBytes?: string;
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
      pushed = await client.pushRuntimeFacts(batch, { callgraphId: opts.callgraph, source: opts.source });
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

/** `stella signals ...`. */
export function registerSignals(program: Command, run: Run): void {
  const signals = examples(
    program.command('signals').description('call graphs and runtime facts (Signals service)'),
    'stella signals callgraph push callgraph.ndjson',
    'stella signals facts push facts.ndjson --callgraph 01JD8… --source web-1',
  );
  const callgraph = examples(
    signals.command('callgraph').description('call graphs'),
    'stella signals callgraph push callgraph.ndjson',
  );

  examples(
    callgraph
      .command('push')
      .description('store a call graph (NDJSON); prints its signed manifest')
      .argument('<file>', 'call graph NDJSON, - for stdin')
      .option(
        '--purl <purl>',
        'component purl (writes the header when the file has none; else must match it)',
      )
      .option('--language <lang>', 'language (as --purl)')
      .option('--source <name>', 'producer named in a written header', 'stella-cli')
      .action(
        async (file: string, opts: { purl?: string; language?: string; source?: string }, cmd: Command) =>
          pushCallgraph(run(cmd), file, opts),
      ),
    'stella signals callgraph push callgraph.ndjson',
    'stella signals callgraph push nodes.ndjson --purl pkg:npm/%40acme/api@1.2.3 --language javascript',
  );

  examples(
    callgraph
      .command('get')
      .description('download a call graph, verified against its digest')
      .argument('<graphId>', 'ULID')
      .option('-o, --output <file>', 'write to a file instead of stdout')
      .action(async (graphId: string, opts: { output?: string }, cmd: Command) =>
        getCallgraph(run(cmd), graphId, opts),
      ),
    'stella signals callgraph get 01JD8… -o callgraph.ndjson',
  );

  examples(
    callgraph
      .command('manifest')
      .description("print a call graph's signed manifest and DSSE envelope")
      .argument('<graphId>', 'ULID')
      .action(async (graphId: string, _o: unknown, cmd: Command) => {
        const ctx = run(cmd);
        const signed = await ctx.signals().getManifest(graphId);
        ctx.out.result(signed, () => JSON.stringify(signed, null, 2));
      }),
    'stella signals callgraph manifest 01JD8… --json > manifest.json && stella verify manifest.json --key signals.pem',
  );

  examples(
    callgraph
      .command('list')
      .description("list a component's call graphs by purl")
      .argument('<purl>', 'purl; without a version every version')
      .option('--limit <n>', 'page size')
      .option('--cursor <cursor>', 'next page')
      .action(async (purl: string, opts: { limit?: string; cursor?: string }, cmd: Command) => {
        const ctx = run(cmd);
        const page = await ctx.signals().listCallgraphsByPurl(purl, {
          ...(opts.limit ? { limit: Number(opts.limit) } : {}),
          ...(opts.cursor ? { cursor: opts.cursor } : {}),
        });
        ctx.out.result(page, () =>
          [
            ...page.items.map((m) => `${ctx.out.style('bold', m.graphId)}  ${m.componentPurl}  ${m.digest}`),
            ...(page.nextCursor ? [`more: --cursor ${page.nextCursor}`] : []),
          ].join('\n'),
        );
      }),
    'stella signals callgraph list pkg:npm/%40acme/api',
  );

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
      .action(async (file: string, opts: FactsPushOptions, cmd: Command) => pushFacts(run(cmd), file, opts)),
    'stella signals facts push facts.ndjson --callgraph 01JD8… --source web-1',
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

  examples(
    signals
      .command('provenance')
      .description("print a batch's provenance record and attestation")
      .argument('<batchId>', 'ULID')
      .action(async (batchId: string, _o: unknown, cmd: Command) => {
        const ctx = run(cmd);
        const prov = await ctx.signals().getProvenance(batchId);
        const p = prov.provenance;
        ctx.out.result(
          prov,
          () =>
            `${ctx.out.style('bold', p.batchId)}  call graph ${p.callgraphId}\n${p.provenanceHash}  ${p.factCount} facts (${p.factTypes.join(', ')})\ningested ${p.ingestedAt} by ${p.pipelineVersion}, signed by ${p.signerKeyId ?? '-'}${p.skipReason ? ` (${p.skipReason})` : ''}`,
        );
      }),
    'stella signals provenance 01JE2… --json | stella verify - --key signals.pem',
  );

  examples(
    signals
      .command('verify')
      .description("check a DSSE envelope (or {envelope}/{attestation} document) with the service's keys")
      .argument('<file>', 'envelope JSON, - for stdin')
      .action(async (file: string, _o: unknown, cmd: Command) => {
        const ctx = run(cmd);
        const doc = (await readJson(ctx.io, file)) as Record<string, unknown> | null;
        const envelope = doc?.['envelope'] ?? doc?.['attestation'] ?? doc;
        const result = await ctx.signals().verify(envelope);
        ctx.out.result(
          result,
          () => `${ctx.out.style('green', 'verified')} ${result.payloadType} by ${result.keyIds.join(', ')}`,
        );
      }),
    'stella signals verify manifest.json',
    'stella signals callgraph manifest 01JD8… --json | stella signals verify -',
  );

  examples(
    signals
      .command('keys')
      .description('list the keys Signals signs with (PEM with --json)')
      .action(async (_o: unknown, cmd: Command) => {
        const ctx = run(cmd);
        const keys = await ctx.signals().keys();
        ctx.out.result({ keys }, () =>
          keys
            .map((k) => `${ctx.out.style('bold', k.keyId)}  ${k.algorithm}${k.current ? '  current' : ''}`)
            .join('\n'),
        );
      }),
    'stella signals keys --json | jq -r ".keys[0].publicKeyPem" > signals.pem',
  );
}
