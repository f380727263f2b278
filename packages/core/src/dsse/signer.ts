import { createPublicKey, sign } from 'node:crypto';
import { keyIdOfKeyObject } from './key-id.js';
import { loadPrivateKey } from './key-material.js';

/** Something that signs bytes: a key in memory here, a KMS or HSM elsewhere. */
export interface Signer {
  /** The key id written into DSSE `signatures[].keyid`. */
  keyId: string;
  /** Signs `data` (the DSSE PAE) and returns the raw signature (DER for ECDSA). */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/**
 * A {@link Signer} over a PEM private key: ECDSA P-256 with SHA-256 and DER signatures, or
 * Ed25519, detected from the key. Signing runs on libuv's thread pool, off the event loop.
 * @param opts.keyId the key id to publish; default `sha256:` + hex SHA-256 of the public key's
 * SPKI DER (see `keyIdFromPublicKey`).
 * @throws CoreError `KEY_INVALID` for an unreadable key or any other key type or curve.
 */
export function createKeySigner(privateKeyPem: string, opts: { keyId?: string } = {}): Signer {
  const { key, algorithm } = loadPrivateKey(privateKeyPem);
  const keyId = opts.keyId ?? keyIdOfKeyObject(createPublicKey(key));
  const digest = algorithm === 'ed25519' ? null : 'sha256';
  return {
    keyId,
    sign(data: Uint8Array): Promise<Uint8Array> {
      return new Promise((resolve, reject) => {
        sign(digest, data, { key, dsaEncoding: 'der' }, (err, signature) => {
          if (err) reject(err);
          else resolve(new Uint8Array(signature.buffer, signature.byteOffset, signature.byteLength));
        });
      });
    },
  };
}
