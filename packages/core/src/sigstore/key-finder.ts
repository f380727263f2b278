import type { KeyFinderFunc } from '@sigstore/verify';
import { keyIdOfKeyObject } from '../dsse/key-id.js';
import { loadPublicKey } from '../dsse/key-material.js';
import { CoreError } from '../error.js';

/** A public key trusted to sign Sigstore bundles, found by the bundle's public-key hint. */
export interface TrustedBundleKey {
  /** The hint bundles name this key by; `keyId` is accepted as a synonym. */
  hint?: string;
  keyId?: string;
  publicKeyPem: string;
}

/** A key finder for `@sigstore/verify`, and which key id each hint resolved to. */
export interface BundleKeyFinder {
  find: KeyFinderFunc;
  /** The key id of the key `hint` names (its `keyId`, else its hint, else its `sha256:` id). */
  keyIdFor(hint: string): string;
}

/**
 * Looks hints up among `trustedKeys`: a key matches when the hint equals its `hint`, its `keyId`,
 * or its `sha256:` SPKI key id. Keys are valid at every time (no validity window is configured).
 * @throws CoreError `KEY_INVALID` (now) for an unreadable or unsupported key;
 * `SIGSTORE_VERIFICATION_FAILED` (from `find`) for a hint no trusted key matches.
 */
export function createBundleKeyFinder(trustedKeys: TrustedBundleKey[]): BundleKeyFinder {
  const keys = trustedKeys.map((trusted) => {
    const { key } = loadPublicKey(trusted.publicKeyPem);
    const fingerprint = keyIdOfKeyObject(key);
    const names = [trusted.hint, trusted.keyId, fingerprint].filter((n): n is string => !!n);
    return { key, names, keyId: trusted.keyId ?? trusted.hint ?? fingerprint };
  });
  const lookup = (hint: string) => {
    const match = keys.find((k) => k.names.includes(hint));
    if (match === undefined) {
      throw new CoreError({
        code: 'SIGSTORE_VERIFICATION_FAILED',
        message: `Sigstore verification failed: no trusted key for hint ${JSON.stringify(hint)}`,
      });
    }
    return match;
  };
  return {
    find: (hint) => ({ publicKey: lookup(hint).key, validFor: () => true }),
    keyIdFor: (hint) => lookup(hint).keyId,
  };
}
