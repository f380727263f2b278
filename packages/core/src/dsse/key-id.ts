import { createHash, type KeyObject } from 'node:crypto';
import { loadAnyPublicKey } from './key-material.js';

/** `sha256:` + lower-case hex SHA-256 of the key's SubjectPublicKeyInfo DER. */
export function keyIdOfKeyObject(key: KeyObject): string {
  const spki = key.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
}

/**
 * The default DSSE key id of a key: `sha256:` + lower-case hex SHA-256 of its SubjectPublicKeyInfo
 * DER. A private key PEM gives the id of its public half.
 * @throws CoreError `KEY_INVALID` when the PEM does not parse.
 */
export function keyIdFromPublicKey(publicKeyPem: string): string {
  return keyIdOfKeyObject(loadAnyPublicKey(publicKeyPem));
}
