import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { readJson } from '../io/read-input.js';
import { examples } from './help.js';
import { registerCallgraph } from './signals-callgraph.js';
import { registerFacts } from './signals-facts.js';

type Run = (cmd: Command) => CommandContext;

/** `stella signals ...`: call graphs, facts, provenance, keys, verify. */
export function registerSignals(program: Command, run: Run): void {
  const signals = examples(
    program.command('signals').description('call graphs and runtime facts (Signals service)'),
    'stella signals callgraph push callgraph.ndjson',
    'stella signals facts push facts.ndjson --callgraph 01JD8… --source web-1',
  );
  registerCallgraph(signals, run);
  registerFacts(signals, run);

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
