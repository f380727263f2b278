import { type CallgraphManifest, canonicalize, type DsseEnvelope, signEnvelope } from '@stella-ops/core';
import type { KeyRing } from './key-ring.js';
import type { TransparencyLog } from './transparency-log.js';

/** DSSE `payloadType` of a signed call graph manifest (schema `callgraph-manifest@v1`). */
export const MANIFEST_PAYLOAD_TYPE = 'application/vnd.stella.callgraph-manifest+json';

/** The signed bytes: canonical JSON of the manifest without `signature` and `rekorUuid`. */
export function manifestPayload(manifest: CallgraphManifest): Buffer {
  const { signature: _s, rekorUuid: _r, ...signed } = manifest;
  return Buffer.from(canonicalize(signed), 'utf8');
}

/** A signed manifest: `signature` is the envelope's signature, `rekorUuid` or a skip reason. */
export interface SignedManifest {
  manifest: CallgraphManifest;
  envelope: DsseEnvelope;
  skipReason?: string;
}

/**
 * Signs a manifest (contract §7.1): sets `signerKeyId`, signs the canonical payload into a DSSE
 * envelope, logs it to the transparency log, and copies the signature and Rekor UUID back.
 */
export async function signManifest(
  unsigned: CallgraphManifest,
  keys: KeyRing,
  tlog: TransparencyLog,
): Promise<SignedManifest> {
  const signer = keys.signer;
  if (!signer || !keys.signerPublicKeyPem)
    throw new Error('manifest signing is on but no signing key is loaded');
  const manifest: CallgraphManifest = { ...unsigned, signerKeyId: signer.keyId };
  const envelope = await signEnvelope(manifestPayload(manifest), MANIFEST_PAYLOAD_TYPE, [signer]);
  const sig = envelope.signatures[0]?.sig;
  if (sig) manifest.signature = sig;
  const outcome = await tlog.log(envelope, keys.signerPublicKeyPem);
  if ('rekorUuid' in outcome) {
    manifest.rekorUuid = outcome.rekorUuid;
    return { manifest, envelope };
  }
  return { manifest, envelope, skipReason: outcome.skipReason };
}
