import type { BlobStoreConfig } from '@stella-ops/cas';
import type { AuthConfig } from '@stella-ops/service-kit';

/** Manifest and attestation signature algorithms (contract §7.1). */
export type SigningAlgorithm = 'ECDSA-P256-SHA256' | 'Ed25519';

/** A public key the service trusts for its own signatures (the current key and retired ones). */
export interface VerificationKey {
  keyId: string;
  publicKeyPem: string;
}

/** The validated configuration the service runs with (built by `resolveConfig`). */
export interface SignalsConfig {
  http: { host: string; port: number };
  logLevel: string;
  db: { url: string; poolMax: number };
  cas: {
    /** From `BucketPrefix` (`cas://signals` → `signals`). */
    bucket: string;
    /** False: uploads answer 503 `CAS_READ_ONLY` (maintenance, migrations). */
    writeEnabled: boolean;
    retention: {
      runtimeFactsDays: number;
      orphanCallgraphsDays: number;
      /** Blobs no index row names (a crash between blob and index) are swept after this long. */
      unreferencedBlobGraceHours: number;
    };
    backend: BlobStoreConfig;
  };
  provenance: {
    /** Master switch: false turns manifest signing, batch attestation and Rekor off. */
    enabled: boolean;
    signManifests: boolean;
    attestBatches: boolean;
    rekorEnabled: boolean;
    rekorUrl: string;
    rekorTimeoutMs: number;
  };
  signing: {
    keyId: string;
    algorithm: SigningAlgorithm;
    /** PKCS#8 PEM; required when manifests are signed or batches attested. */
    privateKeyPem?: string;
    /** Retired keys still published and trusted for verification. */
    verificationKeys: VerificationKey[];
  };
  auth: AuthConfig;
  tenants: { cacheTtlMs: number };
  limits: {
    maxCallgraphBytes: number;
    maxBatchBytes: number;
    /** Worker threads that parse, validate and canonicalize fact batches; 0 = on the request thread. */
    ingestWorkers: number;
    pageSizeDefault: number;
    pageSizeMax: number;
  };
  feed: {
    /**
     * Batches indexed less than this long ago are not streamed yet, so a transaction that took a
     * feed position earlier but committed later is never skipped by a resumed cursor.
     */
    settleMs: number;
    /** Index rows fetched per round trip while streaming. */
    batchesPerQuery: number;
  };
}
