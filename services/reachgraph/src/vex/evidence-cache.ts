import { sha256Canonical } from '@stella-ops/core';
import { GRAPH_PACKAGE_VERSION } from '@stella-ops/graph';
import type { CveSliceQuery } from './slice-evidence.js';
import type { SliceFormat } from './slice-format.js';

/** A VEX answer as it is sent and cached: its body, the digest its ETag names, and its slice's digest. */
export interface EvidenceAnswer {
  body: Buffer;
  etagDigest: string;
  sliceDigest: string;
}

/** What a VEX answer depends on besides the graph: the query and how the service answers it. */
export interface EvidenceInputs {
  format: Exclude<SliceFormat, 'json'>;
  query: CveSliceQuery;
  author: string;
  limits: { maxNodes: number; maxPaths: number };
  /** The public key that signs `openvex-dsse` answers (PEM). */
  signerPublicKeyPem?: string;
}

/**
 * The slice-cache key of a VEX answer: sha256 (hex) of everything it depends on — format, query,
 * author, answer limits, engine version and, for signed answers, the signing key — so that a changed
 * setting or an upgrade never serves an old answer. JSON slices' keys hash other objects and never
 * collide with these.
 */
export function evidenceCacheKey(inputs: EvidenceInputs): string {
  const signer = inputs.format === 'openvex-dsse' ? { signer: inputs.signerPublicKeyPem ?? null } : {};
  const key = {
    evidence: inputs.format,
    query: inputs.query,
    author: inputs.author,
    limits: inputs.limits,
    engine: GRAPH_PACKAGE_VERSION,
    ...signer,
  };
  return sha256Canonical(key).replace(/^sha256:/, '');
}

const NEWLINE = 0x0a;
const DIGEST = /^(?:sha256|blake3):[0-9a-f]{64}$/;

/** A VEX answer as the caches keep it: the slice digest and the ETag digest, a line each, then the body. */
export function encodeEvidenceAnswer(answer: EvidenceAnswer): Buffer {
  return Buffer.concat([Buffer.from(`${answer.sliceDigest}\n${answer.etagDigest}\n`, 'latin1'), answer.body]);
}

/** The answer {@link encodeEvidenceAnswer} kept; undefined for bytes that are not one (a miss). */
export function decodeEvidenceAnswer(bytes: Buffer): EvidenceAnswer | undefined {
  const first = bytes.indexOf(NEWLINE);
  const second = first < 0 ? -1 : bytes.indexOf(NEWLINE, first + 1);
  if (second < 0) return undefined;
  const sliceDigest = bytes.toString('latin1', 0, first);
  const etagDigest = bytes.toString('latin1', first + 1, second);
  if (!DIGEST.test(sliceDigest) || !DIGEST.test(etagDigest)) return undefined;
  return { sliceDigest, etagDigest, body: bytes.subarray(second + 1) };
}
