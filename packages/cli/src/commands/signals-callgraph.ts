import type { Language } from '@stella-ops/core';
import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { counted, progressBar } from '../io/progress.js';
import { uploadBody } from '../io/upload-body.js';
import { writeFileAtomic } from '../io/write-output.js';
import { examples } from './help.js';

type Run = (cmd: Command) => CommandContext;

async function pushCallgraph(
  ctx: CommandContext,
  file: string,
  opts: { purl?: string; language?: string; source?: string; idempotencyKey?: string },
): Promise<void> {
  const { body, progress } = await uploadBody(ctx.io, file, 'upload', ctx.progress);
  const manifest = await ctx.signals().pushCallgraph(body, {
    ...(opts.purl ? { purl: opts.purl } : {}),
    ...(opts.language ? { language: opts.language as Language } : {}),
    ...(opts.source ? { source: opts.source } : {}),
    ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
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

/** `stella signals callgraph ...`. */
export function registerCallgraph(signals: Command, run: Run): void {
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
      .option('--idempotency-key <key>', 'a rerun with the same key answers with the graph stored first')
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
}
