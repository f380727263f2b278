import { createRequire } from 'node:module';
import type { Transform } from 'node:stream';
import zlib from 'node:zlib';
import { CasError } from './error.js';

/**
 * One zstd implementation: `node:zlib` (Node >= 22.15) or the `zstd-napi` addon (Node 20). Both
 * write standard frames with a content checksum, so either reads what the other wrote. Decoding
 * works on ONE complete frame at a time; `zstd.ts` cuts the input into frames first.
 */
export interface ZstdEngine {
  readonly name: 'node:zlib' | 'zstd-napi';
  compress(bytes: Uint8Array, level: number): Buffer;
  /** Decodes one complete frame; `BLOB_TOO_LARGE` past `maxOutputBytes`. */
  decompressFrame(frame: Uint8Array, maxOutputBytes: number): Buffer;
  compressStream(level: number): Transform;
  /** A decoder for one frame. */
  frameDecoder(): Transform;
}

export function tooLarge(max: number, cause?: unknown): CasError {
  return new CasError({
    code: 'BLOB_TOO_LARGE',
    message: `zstd content exceeds the limit of ${max} bytes`,
    cause,
  });
}

export function invalidZstd(cause: unknown): CasError {
  if (cause instanceof CasError) return cause;
  return new CasError({ code: 'BLOB_COMPRESSION_INVALID', message: 'not valid zstd data', cause });
}

// ---- node:zlib (Node >= 22.15; not in @types/node 20) ----

interface NodeZstdZlib {
  zstdCompressSync(bytes: Uint8Array, opts: { params: Record<number, number> }): Buffer;
  zstdDecompressSync(bytes: Uint8Array, opts: { maxOutputLength: number }): Buffer;
  createZstdCompress(opts: { params: Record<number, number> }): Transform;
  createZstdDecompress(): Transform;
}

function nodeZlibEngine(): ZstdEngine | undefined {
  const z = zlib as unknown as Partial<NodeZstdZlib>;
  const constants = zlib.constants as unknown as Record<string, number | undefined>;
  const levelParam = constants.ZSTD_c_compressionLevel;
  const checksumParam = constants.ZSTD_c_checksumFlag;
  if (
    typeof z.zstdCompressSync !== 'function' ||
    typeof z.zstdDecompressSync !== 'function' ||
    typeof z.createZstdCompress !== 'function' ||
    typeof z.createZstdDecompress !== 'function' ||
    levelParam === undefined ||
    checksumParam === undefined
  ) {
    return undefined;
  }
  const api = z as NodeZstdZlib;
  const params = (level: number): Record<number, number> => ({ [levelParam]: level, [checksumParam]: 1 });
  return {
    name: 'node:zlib',
    compress: (bytes, level) => api.zstdCompressSync(bytes, { params: params(level) }),
    decompressFrame(frame, max) {
      // maxOutputLength must be a positive safe size; 0 left means any output is too much.
      if (max < 1) max = 1;
      try {
        return api.zstdDecompressSync(frame, { maxOutputLength: Math.min(max, 2 ** 32) });
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(max, err);
        throw invalidZstd(err);
      }
    },
    compressStream: (level) => api.createZstdCompress({ params: params(level) }),
    frameDecoder: () => api.createZstdDecompress(),
  };
}

// ---- zstd-napi (loaded only when node:zlib lacks zstd) ----

type Napi = typeof import('zstd-napi');
type NapiBinding = typeof import('zstd-napi/binding.js');

function napiEngine(): ZstdEngine {
  const require = createRequire(import.meta.url);
  const napi = require('zstd-napi') as Napi;
  const binding = require('zstd-napi/binding.js') as NapiBinding;
  const outChunk = binding.dStreamOutSize();

  /** Streams a frame that does not declare its size, counting the output against `max`. */
  function streamDecompress(frame: Uint8Array, max: number): Buffer {
    const dctx = new binding.DCtx();
    const chunks: Buffer[] = [];
    let total = 0;
    let input = frame;
    for (;;) {
      const out = Buffer.allocUnsafe(outChunk);
      const [remaining, produced, consumed] = dctx.decompressStream(out, input);
      total += produced;
      if (total > max) throw tooLarge(max);
      if (produced > 0) chunks.push(out.subarray(0, produced));
      input = input.subarray(consumed);
      if (input.length > 0) continue;
      // 0 = the frame is complete and flushed; otherwise a full output buffer may hold more.
      if (remaining === 0) return Buffer.concat(chunks, total);
      if (produced < out.length) throw invalidZstd(new Error('truncated zstd frame'));
    }
  }

  return {
    name: 'zstd-napi',
    compress: (bytes, level) => napi.compress(bytes, { compressionLevel: level, checksumFlag: true }),
    decompressFrame(frame, max) {
      try {
        const declared = binding.getFrameContentSize(frame);
        if (declared !== null && declared > max) throw tooLarge(max);
        // zstd checks the frame against its declared size, so the one-shot path is bounded too.
        return declared !== null ? napi.decompress(frame) : streamDecompress(frame, max);
      } catch (err) {
        throw invalidZstd(err);
      }
    },
    compressStream: (level) => new napi.CompressStream({ compressionLevel: level, checksumFlag: true }),
    frameDecoder: () => new napi.DecompressStream(),
  };
}

let selected: ZstdEngine | undefined;
let napiCached: ZstdEngine | undefined;

function napiEngineCached(): ZstdEngine {
  napiCached ??= napiEngine();
  return napiCached;
}

/** The engine this process uses: `node:zlib` when it has zstd, else `zstd-napi`. */
export function zstdEngine(): ZstdEngine {
  selected ??= nodeZlibEngine() ?? napiEngineCached();
  return selected;
}

/** Every engine that works in this process (tests check that they agree). */
export function availableZstdEngines(): ZstdEngine[] {
  const engines: ZstdEngine[] = [];
  const node = nodeZlibEngine();
  if (node) engines.push(node);
  try {
    engines.push(napiEngineCached());
  } catch {
    // zstd-napi not built: fine whenever node:zlib has zstd.
  }
  return engines;
}
