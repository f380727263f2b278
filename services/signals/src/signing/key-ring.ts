import {
  createKeySigner,
  keyIdFromPublicKey,
  type PublicJwk,
  publicKeyPemFromPrivate,
  publicKeyToJwk,
  type Signer,
  type TrustedKey,
} from '@stella-ops/core';
import type { SignalsConfig, SigningAlgorithm } from '../config/types.js';

/** A verification key as `GET /signals/keys` publishes it. */
export interface PublishedKey {
  keyId: string;
  algorithm: SigningAlgorithm;
  /** SPKI PEM. */
  publicKeyPem: string;
  jwk: PublicJwk;
  /** True for the key that signs new manifests and attestations. */
  current: boolean;
}

/** The service's signing key and every key its signatures may be verified with. */
export interface KeyRing {
  /** Absent when signing is off and no key is configured. */
  signer?: Signer;
  /** The signer's public key (SPKI PEM), for Rekor entries. */
  signerPublicKeyPem?: string;
  published: PublishedKey[];
  /** For `verifyEnvelope`. */
  trusted: TrustedKey[];
}

function algorithmOfJwk(jwk: PublicJwk): SigningAlgorithm {
  return jwk.crv === 'Ed25519' ? 'Ed25519' : 'ECDSA-P256-SHA256';
}

/** Builds the key ring from the signing configuration (keys already checked by the config). */
export function createKeyRing(cfg: SignalsConfig['signing']): KeyRing {
  const published: PublishedKey[] = [];
  let signer: Signer | undefined;
  let signerPublicKeyPem: string | undefined;
  if (cfg.privateKeyPem) {
    signer = createKeySigner(cfg.privateKeyPem, { keyId: cfg.keyId });
    signerPublicKeyPem = publicKeyPemFromPrivate(cfg.privateKeyPem);
    const jwk = publicKeyToJwk(signerPublicKeyPem, { kid: cfg.keyId });
    published.push({
      keyId: cfg.keyId,
      algorithm: cfg.algorithm,
      publicKeyPem: signerPublicKeyPem,
      jwk,
      current: true,
    });
  }
  const currentFingerprint = signerPublicKeyPem ? keyIdFromPublicKey(signerPublicKeyPem) : undefined;
  for (const k of cfg.verificationKeys) {
    if (keyIdFromPublicKey(k.publicKeyPem) === currentFingerprint && k.keyId === cfg.keyId) continue;
    const jwk = publicKeyToJwk(k.publicKeyPem, { kid: k.keyId });
    published.push({
      keyId: k.keyId,
      algorithm: algorithmOfJwk(jwk),
      publicKeyPem: k.publicKeyPem,
      jwk,
      current: false,
    });
  }
  return {
    ...(signer ? { signer } : {}),
    ...(signerPublicKeyPem ? { signerPublicKeyPem } : {}),
    published,
    trusted: published.map((k) => ({ keyId: k.keyId, publicKeyPem: k.publicKeyPem })),
  };
}
