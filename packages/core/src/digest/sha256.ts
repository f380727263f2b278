import { createHash } from 'node:crypto';
import type { DigestHasher } from './digest-hasher.js';

/**
 * SHA-256 of `data` as `sha256:<64 hex>` (node:crypto; strings are hashed as UTF-8, a lone surrogate
 * as U+FFFD).
 */
export function sha256(data: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** An incremental SHA-256 hasher whose `digest()` returns `sha256:<64 hex>`. */
export function createSha256Hasher(): DigestHasher {
  const hash = createHash('sha256');
  const hasher: DigestHasher = {
    update(data) {
      hash.update(data);
      return hasher;
    },
    digest: () => `sha256:${hash.digest('hex')}`,
  };
  return hasher;
}
