import { createHash } from 'node:crypto';
import { RekorWitness, type SignatureBundle } from '@sigstore/sign';
import type { DsseEnvelope } from '@stella-ops/core';
import type { Logger } from 'pino';

/** What logging an envelope produced: a Rekor entry, or why there is none. */
export type LogOutcome = { rekorUuid: string } | { skipReason: string };

/** A transparency log for DSSE envelopes (Rekor, or nothing in an air gap). */
export interface TransparencyLog {
  /** Never rejects and never hangs: failures become a `skipReason`. */
  log(envelope: DsseEnvelope, publicKeyPem: string): Promise<LogOutcome>;
}

/** `RekorEnabled: false` (the default, air-gap): every envelope is recorded as skipped. */
export const disabledLog: TransparencyLog = {
  log: async () => ({ skipReason: 'rekor-disabled' }),
};

/** Rekor's entry UUID: the RFC 6962 leaf hash of the canonicalized entry body. */
export function rekorEntryUuid(canonicalizedBody: Uint8Array): string {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(canonicalizedBody)
    .digest('hex');
}

function toSignatureBundle(envelope: DsseEnvelope): SignatureBundle {
  return {
    $case: 'dsseEnvelope',
    dsseEnvelope: {
      payload: Buffer.from(envelope.payload, 'base64'),
      payloadType: envelope.payloadType,
      signatures: envelope.signatures.map((s) => ({
        keyid: s.keyid ?? '',
        sig: Buffer.from(s.sig, 'base64'),
      })),
    },
  };
}

/**
 * Logs envelopes to Rekor through `@sigstore/sign`'s `RekorWitness` (a `dsse` entry) with a hard
 * timeout. An unreachable or failing Rekor yields `skipReason: rekor-unreachable: ...`.
 */
export function rekorLog(opts: { url: string; timeoutMs: number; logger: Logger }): TransparencyLog {
  const witness = new RekorWitness({ rekorBaseURL: opts.url, timeout: opts.timeoutMs, retry: 0 });
  return {
    async log(envelope, publicKeyPem) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${opts.timeoutMs} ms`)), opts.timeoutMs);
      });
      try {
        const material = await Promise.race([
          witness.testify(toSignatureBundle(envelope), publicKeyPem),
          deadline,
        ]);
        const body = material.tlogEntries?.[0]?.canonicalizedBody;
        if (!body) return { skipReason: 'rekor-unreachable: no entry in the answer' };
        return { rekorUuid: rekorEntryUuid(body) };
      } catch (err) {
        const reason = (err as Error)?.message ?? String(err);
        opts.logger.warn({ err: reason }, 'rekor logging failed; recording skipReason');
        return { skipReason: `rekor-unreachable: ${reason}`.slice(0, 500) };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
