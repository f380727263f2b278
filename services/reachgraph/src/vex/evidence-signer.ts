import { createKeySigner, publicKeyPemFromPrivate, type Signer } from '@stella-ops/core';
import type { ServerConfig } from '../config.js';

/** The key slice evidence is signed with: the service's signing key (the one SignGraphs uses). */
export interface EvidenceKey {
  signer: Signer;
  keyId: string;
  /** SPKI PEM: what a verifier trusts. */
  publicKeyPem: string;
}

const keys = new WeakMap<ServerConfig['signing'], EvidenceKey>();

/**
 * The service's signing key (`REACHGRAPH_SIGNING_KEY_PEM`/`_FILE`, id `SIGNING_KEY_ID`), whether or
 * not SignGraphs is on; undefined when none is configured. Parsed once per configuration.
 */
export function evidenceKey(signing: ServerConfig['signing']): EvidenceKey | undefined {
  if (!signing.keyPem) return undefined;
  let key = keys.get(signing);
  if (!key) {
    const signer = createKeySigner(
      signing.keyPem,
      signing.keyId === undefined ? {} : { keyId: signing.keyId },
    );
    key = { signer, keyId: signer.keyId, publicKeyPem: publicKeyPemFromPrivate(signing.keyPem) };
    keys.set(signing, key);
  }
  return key;
}
