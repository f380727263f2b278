import { isGraphError, parseAssume } from '@stella-ops/graph';
import type { Command } from 'commander';
import { usage } from '../cli-error.js';
import type { CommandContext } from '../context.js';
import { writeFileAtomic } from '../io/write-output.js';
import { examples } from './help.js';

type Run = (cmd: Command) => CommandContext;

/** The options of `stella reachgraph bundle` as commander gives them. */
interface BundleCliOptions {
  cve: string;
  assume?: string;
  output?: string;
  includeGraph?: boolean;
}

async function bundle(ctx: CommandContext, digest: string, opts: BundleCliOptions): Promise<void> {
  if (opts.assume !== undefined) {
    try {
      parseAssume(opts.assume);
    } catch (err) {
      if (isGraphError(err, 'ASSUME_INVALID')) throw usage(`--assume: ${err.message}`);
      throw err;
    }
  }
  const download = await ctx.reachgraph().bundle(digest, {
    cve: opts.cve,
    ...(opts.assume !== undefined ? { assume: opts.assume } : {}),
    ...(opts.includeGraph ? { includeGraph: true } : {}),
  });
  if (opts.output === undefined) {
    await ctx.out.raw(download.bytes);
    return;
  }
  await writeFileAtomic(opts.output, download.bytes);
  const { bundle: b } = download;
  ctx.out.result(
    {
      output: opts.output,
      bytes: download.bytes.length,
      graphDigest: b.graphDigest,
      sliceDigest: b.sliceDigest,
      verdict: b.slice.verdict,
      signed: b.attestation.envelope !== null,
      includesGraph: b.graph.document !== undefined,
    },
    () =>
      `${b.graphDigest} ${opts.cve}: ${String(b.slice.verdict)}, ${b.attestation.envelope ? 'signed' : ctx.out.style('yellow', 'unsigned')}${b.graph.document ? ', graph included' : ''} → ${opts.output} (check it with: stella verify ${opts.output} --offline --key <pem>)`,
  );
}

/** `stella reachgraph bundle`: download the offline evidence bundle of a CVE. */
export function registerReachGraphBundle(rg: Command, run: Run): void {
  examples(
    rg
      .command('bundle')
      .description(
        'download the offline evidence bundle of a CVE: slice, OpenVEX, signed statement, graph envelope, input evidence and keys in one file',
      )
      .argument('<digest>', 'blake3:<64 hex>')
      .requiredOption('--cve <id>', 'the vulnerability the bundle is evidence for')
      .option('--assume <pairs>', 'assumptions KEY=VALUE[,KEY=VALUE…]')
      .option(
        '--include-graph',
        'also carry the canonical graph (recompute its digest and the slice offline)',
      )
      .option('-o, --output <file>', 'write to a file instead of stdout')
      .action(async (digest: string, opts: BundleCliOptions, cmd: Command) => bundle(run(cmd), digest, opts)),
    'stella reachgraph bundle blake3:9f2c… --cve CVE-2021-23337 --include-graph -o evidence.json',
    'stella verify evidence.json --offline --key reachgraph.pem --key signals.pem',
  );
}
