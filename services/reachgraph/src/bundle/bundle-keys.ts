import { type DsseEnvelope, keyIdFromPublicKey } from '@stella-ops/core';
import type { EvidenceBundle } from '@stella-ops/graph';
import type { ServerConfig } from '../config.js';
import { evidenceKey } from '../vex/evidence-signer.js';

type BundleKey = EvidenceBundle['keys'][number];

/** Every public key the service knows, by the keyid its signatures carry. */
function knownKeys(cfg: ServerConfig): { reachgraph: BundleKey[]; signals: BundleKey[] } {
  const reachgraph: BundleKey[] = cfg.signing.trustedKeys.map((k) => ({
    keyid: k.keyid,
    publicKeyPem: k.pem,
  }));
  const own = evidenceKey(cfg.signing);
  if (own) reachgraph.push({ keyid: own.keyId, publicKeyPem: own.publicKeyPem });
  const signals = (cfg.signals?.trustedKeys ?? []).map((k) => ({
    keyid: k.keyId ?? keyIdFromPublicKey(k.publicKeyPem),
    publicKeyPem: k.publicKeyPem,
  }));
  return { reachgraph, signals };
}

/**
 * The public keys of the signers of `envelopes`: for each signature, the known key with its keyid
 * (ReachGraph's own and trusted upload keys for the graph and the slice statement, the trusted
 * Signals keys for input evidence). A signature whose keyid names none of them (or that has none)
 * brings every key of its side: DSSE keyids are hints, and the verifier tries every bundled key.
 */
export function signerKeys(
  cfg: ServerConfig,
  envelopes: { reachgraph: (DsseEnvelope | null)[]; signals: (DsseEnvelope | null)[] },
): BundleKey[] {
  const known = knownKeys(cfg);
  const out: BundleKey[] = [];
  for (const side of ['reachgraph', 'signals'] as const) {
    for (const envelope of envelopes[side]) {
      for (const signature of envelope?.signatures ?? []) {
        const named = known[side].filter((k) => k.keyid === signature.keyid);
        out.push(...(named.length > 0 ? named : known[side]));
      }
    }
  }
  return out;
}
