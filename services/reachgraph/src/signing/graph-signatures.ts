import {
  createKeySigner,
  type DsseEnvelope,
  REACHGRAPH_PAYLOAD_TYPE,
  type Signer,
  signEnvelope,
  verifyEnvelope,
} from '@stella-ops/core';
import { problems } from '@stella-ops/service-kit';
import type { TrustedKey } from '../config.js';
import type { SignatureRow } from '../db/schema/index.js';

/** Each signature once, in a stable order (keyid, then signature). */
export function dedupeSignatures(signatures: readonly SignatureRow[]): SignatureRow[] {
  const seen = new Map<string, SignatureRow>();
  for (const s of signatures) seen.set(`${s.keyid}\u0000${s.sig}`, { keyid: s.keyid, sig: s.sig });
  return [...seen.values()].sort((a, b) =>
    a.keyid < b.keyid ? -1 : a.keyid > b.keyid ? 1 : a.sig < b.sig ? -1 : 1,
  );
}

/**
 * Graph signatures: DSSE over PAE(`application/vnd.stella.reachgraph.min+json`, canonical JSON of
 * the normalised document without `signatures`). Uploaded signatures are verified against the
 * trusted keys; with SignGraphs on, the service adds its own.
 */
export class GraphSigning {
  private constructor(
    private readonly trusted: TrustedKey[],
    private readonly signer: Signer | undefined,
  ) {}

  static create(cfg: {
    signGraphs: boolean;
    keyPem?: string;
    keyId?: string;
    trustedKeys: TrustedKey[];
  }): GraphSigning {
    const signer =
      cfg.signGraphs && cfg.keyPem
        ? createKeySigner(cfg.keyPem, cfg.keyId === undefined ? {} : { keyId: cfg.keyId })
        : undefined;
    return new GraphSigning(cfg.trustedKeys, signer);
  }

  /** The key id of the service's own signatures (SignGraphs on). */
  get keyId(): string | undefined {
    return this.signer?.keyId;
  }

  /** The DSSE envelope of a graph with the given signatures. */
  envelope(canonical: Uint8Array, signatures: readonly SignatureRow[]): DsseEnvelope {
    return {
      payloadType: REACHGRAPH_PAYLOAD_TYPE,
      payload: Buffer.from(canonical).toString('base64'),
      signatures: signatures.map((s) => ({ keyid: s.keyid, sig: s.sig })),
    };
  }

  /**
   * Verifies every uploaded signature on its own: one from an unknown key or that does not verify
   * fails the upload with 422 `SIGNATURE_INVALID`. Returns them (deduplicated) for storage.
   */
  async verifyDocumentSignatures(
    signatures: readonly SignatureRow[],
    canonical: Uint8Array,
  ): Promise<SignatureRow[]> {
    for (const [i, s] of signatures.entries()) {
      const key = this.trusted.find((k) => k.keyid === s.keyid);
      const fail = (why: string) =>
        problems.unprocessable('SIGNATURE_INVALID', `signatures[${i}] (keyid ${s.keyid}) ${why}`, [
          { pointer: `/signatures/${i}`, message: why },
        ]);
      if (!key) throw fail('is not from a trusted key');
      try {
        await verifyEnvelope(this.envelope(canonical, [s]), [{ keyId: key.keyid, publicKeyPem: key.pem }], {
          threshold: 1,
        });
      } catch {
        throw fail('does not verify');
      }
    }
    return dedupeSignatures(signatures);
  }

  /** The service's own signature when SignGraphs is on, else nothing. */
  async signIfEnabled(canonical: Uint8Array): Promise<SignatureRow[]> {
    if (!this.signer) return [];
    const env = await signEnvelope(canonical, REACHGRAPH_PAYLOAD_TYPE, [this.signer]);
    return env.signatures.map((s) => ({ keyid: s.keyid ?? '', sig: s.sig }));
  }
}
