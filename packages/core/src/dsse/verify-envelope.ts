import { CoreError } from '../error.js';
import { decodeBase64 } from './base64.js';
import { parseEnvelope } from './envelope.js';
import { keyIdOfKeyObject } from './key-id.js';
import { type LoadedKey, loadPublicKey } from './key-material.js';
import { pae } from './pae.js';
import { verifySignature } from './verify-signature.js';

/** A public key trusted to sign envelopes; `keyId` defaults to `sha256:` of its SPKI DER. */
export interface TrustedKey {
  keyId?: string;
  publicKeyPem: string;
}

/** What a verified envelope carries, and which trusted keys vouched for it. */
export interface VerifiedEnvelope {
  payload: Uint8Array;
  payloadType: string;
  /** The key ids of the distinct trusted keys whose signature verified, in `trustedKeys` order. */
  keyIds: string[];
}

interface Candidate extends LoadedKey {
  keyId: string;
  /** SPKI fingerprint: the same key listed twice under two ids still counts once. */
  fingerprint: string;
}

function loadTrusted(trustedKeys: TrustedKey[]): Candidate[] {
  return trustedKeys.map((trusted) => {
    const loaded = loadPublicKey(trusted.publicKeyPem);
    const fingerprint = keyIdOfKeyObject(loaded.key);
    return { ...loaded, fingerprint, keyId: trusted.keyId ?? fingerprint };
  });
}

function failed(message: string): CoreError {
  return new CoreError({ code: 'DSSE_VERIFICATION_FAILED', message: `DSSE verification failed: ${message}` });
}

/**
 * Verifies a DSSE envelope against trusted public keys and returns its payload.
 *
 * A signature whose `keyid` names trusted keys is tried against those keys; one without `keyid`, or
 * whose `keyid` names none, is tried against every key. Each distinct key counts once toward
 * `threshold`, however many signatures it made. ECDSA signatures may be DER or IEEE P1363; payload
 * and signatures may be standard or URL-safe base64, padded or not.
 * @param opts.threshold how many distinct trusted keys must have signed (default 1, at least 1).
 * @throws CoreError `DSSE_ENVELOPE_INVALID` for a structurally bad envelope (see `parseEnvelope`),
 * `KEY_INVALID` for an unreadable or unsupported trusted key, `DSSE_VERIFICATION_FAILED` when fewer
 * than `threshold` distinct trusted keys verify or `threshold` is not a positive integer.
 */
export async function verifyEnvelope(
  envelope: unknown,
  trustedKeys: TrustedKey[],
  opts: { threshold?: number } = {},
): Promise<VerifiedEnvelope> {
  const threshold = opts.threshold ?? 1;
  if (!Number.isSafeInteger(threshold) || threshold < 1) throw failed('threshold must be a positive integer');
  const parsed = parseEnvelope(envelope);
  const candidates = loadTrusted(trustedKeys);
  // parseEnvelope already checked every base64 field, so these decodes succeed.
  const payload = decodeBase64(parsed.payload) ?? new Uint8Array();
  const message = pae(parsed.payloadType, payload);

  const verified = new Map<string, string>();
  for (const signature of parsed.signatures) {
    const sig = decodeBase64(signature.sig) ?? new Uint8Array();
    const named = candidates.filter((c) => signature.keyid !== undefined && c.keyId === signature.keyid);
    for (const candidate of named.length > 0 ? named : candidates) {
      if (verified.has(candidate.fingerprint)) continue;
      if (verifySignature(candidate, message, sig)) verified.set(candidate.fingerprint, candidate.keyId);
    }
  }
  if (verified.size < threshold) {
    throw failed(`${verified.size} of ${threshold} required trusted keys verified`);
  }
  // One id per distinct key, in trustedKeys order.
  const keyIds = [...new Set(candidates.map((c) => c.fingerprint))]
    .map((fingerprint) => verified.get(fingerprint))
    .filter((keyId): keyId is string => keyId !== undefined);
  return { payload, payloadType: parsed.payloadType, keyIds };
}
