import { verify } from 'node:crypto';
import type { LoadedKey } from './key-material.js';

// A P-256 signature in IEEE P1363 form is r‖s, 32 bytes each.
const P256_P1363_LENGTH = 64;

function tryVerify(run: () => boolean): boolean {
  try {
    return run();
  } catch {
    // Node throws on some malformed signatures (bad DER) instead of returning false.
    return false;
  }
}

/**
 * True when `signature` is a valid signature of `data` by `key`. ECDSA signatures are accepted in
 * DER (what OpenSSL and Sigstore write) and in IEEE P1363 `r‖s` form (the DSSE spec's example);
 * both are encodings of the same (r, s) pair, so accepting both does not weaken verification.
 */
export function verifySignature(loaded: LoadedKey, data: Uint8Array, signature: Uint8Array): boolean {
  const { key, algorithm } = loaded;
  if (algorithm === 'ed25519') return tryVerify(() => verify(null, data, key, signature));
  if (tryVerify(() => verify('sha256', data, { key, dsaEncoding: 'der' }, signature))) return true;
  return (
    signature.length === P256_P1363_LENGTH &&
    tryVerify(() => verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature))
  );
}
