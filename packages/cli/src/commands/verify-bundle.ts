import { readFile } from 'node:fs/promises';
import { type BundleCheck, type BundleVerification, verifyEvidenceBundle } from '@stella-ops/graph';
import { CliError } from '../cli-error.js';
import type { CommandContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { readJson } from '../io/read-input.js';

/** Whether a document is an offline evidence bundle (so `stella verify` checks it as one). */
export function isEvidenceBundle(doc: unknown): boolean {
  return (doc as { schemaVersion?: unknown } | null)?.schemaVersion === 'reachgraph.bundle@v1';
}

const MARK: Record<BundleCheck['status'], string> = { ok: 'ok', failed: 'FAILED', skipped: 'skipped' };

function line(ctx: CommandContext, check: BundleCheck, width: number): string {
  const style = check.status === 'ok' ? 'green' : check.status === 'failed' ? 'red' : 'yellow';
  return `${ctx.out.style(style, MARK[check.status].padEnd(7))} ${check.name.padEnd(width)}  ${check.detail}`;
}

function report(ctx: CommandContext, v: BundleVerification, pinned: boolean): string {
  const width = Math.max(...v.checks.map((c) => c.name.length));
  const failed = v.checks.filter((c) => c.status === 'failed').length;
  const verdict = v.ok
    ? ctx.out.style(
        'green',
        pinned ? 'verified' : 'verified (intact; no --key: who signed it is not checked)',
      )
    : ctx.out.style('red', `NOT verified: ${failed} check${failed === 1 ? '' : 's'} failed`);
  return [...v.checks.map((c) => line(ctx, c, width)), verdict].join('\n');
}

/**
 * `stella verify <bundle> --offline [--key pem…]`: every check of the bundle printed, exit 0 when
 * none failed, 3 (VERIFICATION_FAILED) when one did. No network.
 */
export async function verifyBundleFile(ctx: CommandContext, file: string, keyFiles: string[]): Promise<void> {
  const trustedKeys = await Promise.all(
    keyFiles.map(async (path) => ({ publicKeyPem: await readFile(path, 'utf8') })),
  );
  const doc = await readJson(ctx.io, file);
  const v = await verifyEvidenceBundle(doc, trustedKeys.length > 0 ? { trustedKeys } : {});
  ctx.out.result(v, () => report(ctx, v, trustedKeys.length > 0));
  if (!v.ok) {
    const failed = v.checks.filter((c) => c.status === 'failed').map((c) => c.name);
    throw new CliError(
      'VERIFICATION_FAILED',
      `the bundle failed ${failed.join(', ')}`,
      EXIT.VERIFICATION_FAILED,
    );
  }
}
