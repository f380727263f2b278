import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { CoreError } from '../error.js';

/** The signature schemes DSSE envelopes use here: ECDSA P-256 with SHA-256, or Ed25519. */
export type SigningAlgorithm = 'ecdsa-p256-sha256' | 'ed25519';

/** A parsed key together with the one scheme it may be used with. */
export interface LoadedKey {
  key: KeyObject;
  algorithm: SigningAlgorithm;
}

function keyInvalid(message: string, cause?: unknown): CoreError {
  return new CoreError({ code: 'KEY_INVALID', message, cause });
}

/** The scheme for `key`, or `undefined` for any other key type or curve (RSA, P-384, Ed448, ...). */
export function algorithmOf(key: KeyObject): SigningAlgorithm | undefined {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return 'ecdsa-p256-sha256';
  }
  return undefined;
}

function requireSupported(key: KeyObject, what: string): LoadedKey {
  const algorithm = algorithmOf(key);
  if (algorithm === undefined) {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    throw keyInvalid(
      `${what}: unsupported key type ${key.asymmetricKeyType ?? '?'}${curve ? ` (${curve})` : ''}; ` +
        'expected ECDSA P-256 or Ed25519',
    );
  }
  return { key, algorithm };
}

/**
 * Parses a PEM private key (PKCS#8, or SEC1 `EC PRIVATE KEY`), unencrypted.
 * @throws CoreError `KEY_INVALID` when it does not parse or is not ECDSA P-256 / Ed25519.
 */
export function loadPrivateKey(privateKeyPem: string): LoadedKey {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: privateKeyPem, format: 'pem' });
  } catch (cause) {
    throw keyInvalid('private key: not a readable unencrypted PEM private key', cause);
  }
  return requireSupported(key, 'private key');
}

/**
 * Parses any PEM key into its public half (SPKI PEM; a private key PEM yields its public key),
 * without restricting the key type.
 * @throws CoreError `KEY_INVALID` when it does not parse.
 */
export function loadAnyPublicKey(publicKeyPem: string): KeyObject {
  try {
    return createPublicKey({ key: publicKeyPem, format: 'pem' });
  } catch (cause) {
    throw keyInvalid('public key: not a readable PEM key', cause);
  }
}

/**
 * Parses a PEM public key that may verify DSSE signatures.
 * @throws CoreError `KEY_INVALID` when it does not parse or is not ECDSA P-256 / Ed25519.
 */
export function loadPublicKey(publicKeyPem: string): LoadedKey {
  return requireSupported(loadAnyPublicKey(publicKeyPem), 'public key');
}
