import { createPrivateKey } from 'node:crypto';
import { keyIdFromPublicKey, publicKeyPemFromPrivate } from '@stella-ops/core';
import { ConfigError } from './config-error.js';
import type { RawSettings } from './read-settings.js';
import { readText } from './read-text.js';
import type { SignalsConfig, SigningAlgorithm, VerificationKey } from './types.js';

const ALGORITHMS: readonly SigningAlgorithm[] = ['ECDSA-P256-SHA256', 'Ed25519'];

/** The algorithm of a PEM private key, or a ConfigError naming the setting. */
function algorithmOf(pem: string, setting: string): SigningAlgorithm {
  let type: string | undefined;
  let curve: string | undefined;
  try {
    const key = createPrivateKey(pem);
    type = key.asymmetricKeyType;
    curve = key.asymmetricKeyDetails?.namedCurve;
  } catch {
    throw new ConfigError(setting, 'is not a readable PEM private key');
  }
  if (type === 'ed25519') return 'Ed25519';
  if (type === 'ec' && curve === 'prime256v1') return 'ECDSA-P256-SHA256';
  throw new ConfigError(setting, `key type ${type}${curve ? ` ${curve}` : ''} is not ECDSA P-256 or Ed25519`);
}

/** `Signals.Signing.*`: the key (required when signing is on), its id and algorithm, retired keys. */
export function signing(r: RawSettings, needKey: boolean): SignalsConfig['signing'] {
  const algorithm = r.requiredStr('Signals.Signing.Algorithm') as SigningAlgorithm;
  if (!ALGORITHMS.includes(algorithm)) {
    throw r.error('Signals.Signing.Algorithm', `must be ${ALGORITHMS.join(' or ')}, got ${algorithm}`);
  }
  const file = r.str('Signals.Signing.KeyFile');
  const pem =
    r.str('Signals.Signing.KeyPem') ?? (file ? readText(file, 'Signals.Signing.KeyFile') : undefined);
  const verificationKeys = r.list('Signals.Signing.VerificationKeys').map((k, i): VerificationKey => {
    const where = `Signals.Signing.VerificationKeys[${i}]`;
    const text =
      typeof k['PublicKeyPem'] === 'string'
        ? k['PublicKeyPem']
        : typeof k['PublicKeyFile'] === 'string'
          ? readText(k['PublicKeyFile'], where)
          : undefined;
    if (!text) throw new ConfigError(where, 'needs PublicKeyPem or PublicKeyFile');
    let keyId: string;
    try {
      keyId = typeof k['KeyId'] === 'string' ? k['KeyId'] : keyIdFromPublicKey(text);
    } catch {
      throw new ConfigError(where, 'is not a readable PEM public key');
    }
    return { keyId, publicKeyPem: text };
  });
  if (pem === undefined) {
    if (needKey) {
      throw r.error(
        'Signals.Signing.KeyFile',
        'a signing key is required while Provenance.SignManifests or AttestBatches is on (or set SIGNALS_SIGNING_KEY_PEM)',
      );
    }
    return { keyId: r.str('Signals.Signing.KeyId') ?? 'unset', algorithm, verificationKeys };
  }
  const actual = algorithmOf(pem, 'Signals.Signing.KeyFile');
  if (actual !== algorithm) {
    throw r.error('Signals.Signing.Algorithm', `is ${algorithm} but the signing key is ${actual}`);
  }
  const keyId = r.str('Signals.Signing.KeyId') ?? keyIdFromPublicKey(publicKeyPemFromPrivate(pem));
  return { keyId, algorithm, privateKeyPem: pem, verificationKeys };
}
