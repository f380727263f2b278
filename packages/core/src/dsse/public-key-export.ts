import { createPublicKey } from 'node:crypto';
import { CoreError } from '../error.js';
import { loadPrivateKey, loadPublicKey } from './key-material.js';

/** A public JSON Web Key (RFC 7517) for ECDSA P-256 (`EC`) or Ed25519 (`OKP`, RFC 8037). */
export interface PublicJwk {
  kty: 'EC' | 'OKP';
  crv: 'P-256' | 'Ed25519';
  /** base64url coordinate (EC) or public key (OKP). */
  x: string;
  /** base64url y coordinate; EC keys only. */
  y?: string;
  /** `ES256` or `EdDSA`. */
  alg: 'ES256' | 'EdDSA';
  use: 'sig';
  kid?: string;
}

/**
 * The SPKI PEM public key of a PEM private key (what a signing service publishes).
 * @throws CoreError `KEY_INVALID` when the key does not parse or is not ECDSA P-256 / Ed25519.
 */
export function publicKeyPemFromPrivate(privateKeyPem: string): string {
  const { key } = loadPrivateKey(privateKeyPem);
  return String(createPublicKey(key).export({ type: 'spki', format: 'pem' }));
}

/**
 * A public key (PEM; a private key PEM gives its public half) as a JWK with `alg` and `use`,
 * and `kid` when given.
 * @throws CoreError `KEY_INVALID` when the key does not parse or is not ECDSA P-256 / Ed25519.
 */
export function publicKeyToJwk(publicKeyPem: string, opts: { kid?: string } = {}): PublicJwk {
  const { key, algorithm } = loadPublicKey(publicKeyPem);
  const jwk = key.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') {
    throw new CoreError({ code: 'KEY_INVALID', message: 'public key: JWK export has no x' });
  }
  const kid = opts.kid === undefined ? {} : { kid: opts.kid };
  if (algorithm === 'ed25519') {
    return { kty: 'OKP', crv: 'Ed25519', x: jwk.x, alg: 'EdDSA', use: 'sig', ...kid };
  }
  if (typeof jwk.y !== 'string') {
    throw new CoreError({ code: 'KEY_INVALID', message: 'public key: EC JWK export has no y' });
  }
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, alg: 'ES256', use: 'sig', ...kid };
}
