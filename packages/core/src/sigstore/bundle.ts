import { Buffer } from 'node:buffer';
import { bundleToJSON, type SerializedBundle, toDSSEBundle } from '@sigstore/bundle';
import { decodeBase64 } from '../dsse/base64.js';
import type { DsseEnvelope } from '../dsse/envelope.js';
import { parseEnvelope } from '../dsse/envelope.js';
import { signEnvelope } from '../dsse/sign-envelope.js';
import type { Signer } from '../dsse/signer.js';
import { CoreError } from '../error.js';

/** A Sigstore bundle in its JSON form (`application/vnd.dev.sigstore.bundle.v0.3+json`, ...). */
export type SigstoreBundle = SerializedBundle;

function bytes(base64: string): Buffer {
  // parseEnvelope has already checked every base64 field.
  const decoded = decodeBase64(base64) ?? new Uint8Array();
  return Buffer.from(decoded.buffer, decoded.byteOffset, decoded.byteLength);
}

/**
 * Wraps an already signed DSSE envelope into a Sigstore bundle v0.3 whose verification material is
 * a public-key hint (no certificate, no transparency-log entry, no timestamp: nothing online).
 * A bundle holds exactly one signature: the envelope's only one, or the one whose `keyid` equals
 * the hint. The bundle's signature `keyid` is set to the hint.
 * @param opts.publicKeyHint the key id verifiers look the public key up by.
 * @throws CoreError `DSSE_ENVELOPE_INVALID` for a structurally bad envelope,
 * `SIGSTORE_BUNDLE_INVALID` when the hint is empty or no single signature can be chosen.
 */
export function toSigstoreBundle(envelope: DsseEnvelope, opts: { publicKeyHint: string }): SigstoreBundle {
  const parsed = parseEnvelope(envelope);
  const hint = opts.publicKeyHint;
  if (typeof hint !== 'string' || hint === '') {
    throw new CoreError({
      code: 'SIGSTORE_BUNDLE_INVALID',
      message: 'Sigstore bundle: publicKeyHint is required',
    });
  }
  const matching = parsed.signatures.filter((s) => s.keyid === hint);
  const chosen =
    parsed.signatures.length === 1 ? parsed.signatures[0] : matching.length === 1 ? matching[0] : undefined;
  if (chosen === undefined) {
    throw new CoreError({
      code: 'SIGSTORE_BUNDLE_INVALID',
      message: `Sigstore bundle: a bundle holds one signature; none or several of the envelope's match ${hint}`,
    });
  }
  const bundle = toDSSEBundle({
    artifact: bytes(parsed.payload),
    artifactType: parsed.payloadType,
    signature: bytes(chosen.sig),
    keyHint: hint,
  });
  return bundleToJSON(bundle);
}

/**
 * Signs `payload` with one signer into a DSSE envelope and wraps it as a Sigstore bundle v0.3 with
 * the signer's key id as public-key hint (`signEnvelope` then `toSigstoreBundle`).
 */
export async function signSigstoreBundle(
  payload: Uint8Array,
  payloadType: string,
  signer: Signer,
): Promise<SigstoreBundle> {
  const envelope = await signEnvelope(payload, payloadType, [signer]);
  return toSigstoreBundle(envelope, { publicKeyHint: signer.keyId });
}
