import type { FileHandle } from 'node:fs/promises';

/**
 * The filesystem store keeps each object in ONE file, so data and metadata are replaced together
 * by a single atomic rename (a sidecar file would need two, with a window where they disagree):
 *
 * - bytes 0..8191: a UTF-8 JSON {@link BlobHeader}, padded with spaces and ending in `\n`
 *   (`head -c 8192 <file>` shows it);
 * - bytes 8192..: the content as stored (the zstd frame for `.zst` keys).
 *
 * The header is written last, at offset 0, once the body's digest is known.
 */
export const HEADER_BYTES = 8192;
export const FORMAT = 'stella-cas/1';

/** The metadata stored in a file's header. */
export interface BlobHeader {
  format: typeof FORMAT;
  /** `sha256:<hex>` of the uncompressed content. */
  digest: string;
  /** Uncompressed size. */
  size: number;
  encoding: 'zstd' | 'identity';
  contentType?: string;
  metadata: Record<string, string>;
}

export function encodeHeader(header: BlobHeader): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  if (json.length > HEADER_BYTES - 1) throw new RangeError('blob header does not fit');
  const region = Buffer.alloc(HEADER_BYTES, 0x20);
  json.copy(region);
  region[HEADER_BYTES - 1] = 0x0a;
  return region;
}

/** Reads and checks the header; undefined when the file is not a complete, valid blob. */
export async function readHeader(fh: FileHandle): Promise<BlobHeader | undefined> {
  const region = Buffer.alloc(HEADER_BYTES);
  const { bytesRead } = await fh.read(region, 0, HEADER_BYTES, 0);
  if (bytesRead !== HEADER_BYTES) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(region.toString('utf8'));
  } catch {
    return undefined;
  }
  const h = value as Partial<BlobHeader> | null;
  if (
    !h ||
    h.format !== FORMAT ||
    typeof h.digest !== 'string' ||
    !/^sha256:[0-9a-f]{64}$/.test(h.digest) ||
    typeof h.size !== 'number' ||
    (h.encoding !== 'zstd' && h.encoding !== 'identity') ||
    typeof h.metadata !== 'object' ||
    h.metadata === null
  ) {
    return undefined;
  }
  return h as BlobHeader;
}
