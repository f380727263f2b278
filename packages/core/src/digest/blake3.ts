import { createBLAKE3, type IHasher, blake3 as wasmBlake3 } from 'hash-wasm';
import type { DigestHasher } from './digest-hasher.js';
import { forEachUtf8Chunk, LARGE_STRING_CODE_UNITS } from './utf8-chunks.js';

/** One WASM hasher for one-shot hashing of large strings; it is used only synchronously. */
let shared: Promise<IHasher> | undefined;

/** The shared BLAKE3 instance for synchronous use between `init()` and `digest()` (no `await` in between). */
export function sharedBlake3(): Promise<IHasher> {
  shared ??= createBLAKE3();
  return shared;
}

/**
 * BLAKE3-256 of `data` as `blake3:<64 hex>` (hash-wasm). Strings are hashed as UTF-8 (a lone
 * surrogate as U+FFFD); a large string is encoded piece by piece rather than copied whole first.
 */
export async function blake3(data: Uint8Array | string): Promise<string> {
  if (typeof data === 'string' && data.length > LARGE_STRING_CODE_UNITS) {
    const hasher = await sharedBlake3();
    hasher.init();
    forEachUtf8Chunk(data, (chunk) => hasher.update(chunk));
    return `blake3:${hasher.digest('hex')}`;
  }
  return `blake3:${await wasmBlake3(data)}`;
}

/** An incremental BLAKE3-256 hasher (its own WASM instance) whose `digest()` returns `blake3:<64 hex>`. */
export async function createBlake3Hasher(): Promise<DigestHasher> {
  const wasm = await createBLAKE3();
  const hasher: DigestHasher = {
    update(data) {
      if (typeof data === 'string' && data.length > LARGE_STRING_CODE_UNITS) {
        forEachUtf8Chunk(data, (chunk) => wasm.update(chunk));
      } else {
        wasm.update(data);
      }
      return hasher;
    },
    digest: () => `blake3:${wasm.digest('hex')}`,
  };
  return hasher;
}
