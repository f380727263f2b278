import { CoreError } from '../error.js';

/** The digest algorithms a Stella Reach document may name (`common.v1` `digest`). */
export type DigestAlgorithm = 'sha256' | 'sha512' | 'blake3';

/** A digest string split into its algorithm and lower-case hex value. */
export interface ParsedDigest {
  algorithm: DigestAlgorithm;
  hex: string;
}

const HEX_LENGTH: Readonly<Record<DigestAlgorithm, number>> = { sha256: 64, sha512: 128, blake3: 64 };
const DIGEST = /^(sha256|sha512|blake3):([0-9a-f]+)$/;

/**
 * Splits `sha256:<64 hex>`, `sha512:<128 hex>` or `blake3:<64 hex>` (lower-case hex only).
 * @throws CoreError `DIGEST_INVALID` for anything else.
 */
export function parseDigest(s: string): ParsedDigest {
  const m = typeof s === 'string' ? DIGEST.exec(s) : null;
  const algorithm = m?.[1] as DigestAlgorithm | undefined;
  const hex = m?.[2];
  if (algorithm === undefined || hex === undefined || hex.length !== HEX_LENGTH[algorithm]) {
    throw new CoreError({
      code: 'DIGEST_INVALID',
      message: `not a digest (expected sha256:<64 hex>, sha512:<128 hex> or blake3:<64 hex>): ${JSON.stringify(String(s).slice(0, 80))}`,
    });
  }
  return { algorithm, hex };
}

/** True when `s` is a well-formed digest, of `algorithm` when one is given. */
export function isDigest(s: unknown, algorithm?: DigestAlgorithm): s is string {
  if (typeof s !== 'string') return false;
  const m = DIGEST.exec(s);
  const alg = m?.[1] as DigestAlgorithm | undefined;
  return (
    alg !== undefined && m![2]!.length === HEX_LENGTH[alg] && (algorithm === undefined || alg === algorithm)
  );
}
