import type { EvidenceParams, VexDownload } from '@stella-ops/client';
import { type DsseEnvelope, parseStatement } from '@stella-ops/core';
import { CliError, usage } from '../cli-error.js';
import type { CommandContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { writeFileAtomic } from '../io/write-output.js';
import type { SliceCliOptions } from './slice-options.js';

/** The options of `stella reachgraph slice` that ask for signed evidence. */
export interface EvidenceCliOptions extends SliceCliOptions {
  /** Write the DSSE envelope of the slice's in-toto statement to this file. */
  attestation?: string;
  /** Assumptions `KEY=VALUE[,…]` (conditional reachability). */
  assume?: string;
}

/** True when the options ask for the OpenVEX document or its attestation. */
export function wantsEvidence(opts: EvidenceCliOptions): boolean {
  return opts.format === 'openvex' || opts.attestation !== undefined;
}

/** The evidence query the options describe: a CVE slice of a stored graph, whole (no paging). */
function evidenceParams(digest: string | undefined, opts: EvidenceCliOptions): EvidenceParams {
  if (opts.graph !== undefined || digest === undefined) {
    throw usage('--format openvex and --attestation need the service: give the graph digest, not --graph');
  }
  if (opts.cve === undefined || (opts.purl ?? opts.entrypoint ?? opts.file) !== undefined) {
    throw usage('--format openvex and --attestation need a CVE slice: give --cve and no other selector');
  }
  if (opts.limit !== undefined || opts.cursor !== undefined) {
    throw usage('--limit and --cursor do not apply to --format openvex or --attestation (the whole slice)');
  }
  return {
    cve: opts.cve,
    ...(opts.assume !== undefined ? { assume: opts.assume } : {}),
    ...(opts.observed ? { observed: opts.observed as 'only' | 'exclude' } : {}),
  };
}

/** The `openvex.json` subject digest (sha256 hex) of an envelope's statement. */
function vexSubject(envelope: DsseEnvelope): string | undefined {
  const statement = parseStatement(Buffer.from(envelope.payload, 'base64'));
  return statement.subject.find((s) => s.name === 'openvex.json')?.digest['sha256'];
}

/**
 * `stella reachgraph slice <digest> --cve X --format openvex [--attestation file]`: prints the
 * OpenVEX document exactly as the service sent it (its canonical JSON: its SHA-256 is what the
 * attestation names; no newline unless stdout is a terminal) and writes the DSSE envelope to `--attestation`. With both, the envelope's
 * statement must name the document printed (else exit 3, DIGEST_MISMATCH).
 * @returns false when the slice itself is still to be printed (another --format with --attestation).
 */
export async function printEvidence(
  ctx: CommandContext,
  digest: string | undefined,
  opts: EvidenceCliOptions,
): Promise<boolean> {
  const params = evidenceParams(digest, opts);
  const client = ctx.reachgraph();
  const graph = digest as string;
  let vex: VexDownload | undefined;
  if (opts.format === 'openvex') vex = await client.sliceVex(graph, params);
  if (opts.attestation !== undefined) {
    const envelope = await client.sliceAttestation(graph, params);
    const named = vexSubject(envelope);
    if (vex && named !== vex.digest.slice('sha256:'.length)) {
      throw new CliError(
        'DIGEST_MISMATCH',
        `the attestation names OpenVEX sha256:${named ?? '(none)'}, the document printed is ${vex.digest}`,
        EXIT.VERIFICATION_FAILED,
      );
    }
    await writeFileAtomic(opts.attestation, Buffer.from(`${JSON.stringify(envelope)}\n`));
    ctx.out.note(`attestation (DSSE, in-toto reachability-slice) → ${opts.attestation}`);
  }
  if (!vex) return false;
  await ctx.out.raw(vex.bytes);
  // Exactly the served bytes when piped (their SHA-256 is the attested digest); a newline on a terminal.
  if (ctx.io.stdout.isTTY) await ctx.out.raw('\n');
  return true;
}
