import { createGraph, encodeGraph, generateReachGraph, sliceGraph } from '@stella-ops/graph';
import { decodeStoredGraph, digestGraph, hasContentChecksum, indexDocument } from '../engine.js';
import { BINARY_GRAPH_ZSTD_LEVEL, ZSTD_LEVEL, zstdCompress } from '../zstd.js';

const DIGEST = `blake3:${'3'.repeat(64)}`;

describe('stored binary graphs', () => {
  const doc = generateReachGraph({ nodes: 500, edges: 1_500, seed: 5 });
  const binary = encodeGraph(createGraph(doc, { digest: DIGEST }));
  const cve = doc.scope.cves?.[0] as string;

  it('are written as zstd frames with a content checksum', () => {
    expect(hasContentChecksum(zstdCompress(binary))).toBe(true);
    expect(hasContentChecksum(binary)).toBe(false);
    const noChecksum = Buffer.from(zstdCompress(binary));
    noChecksum[4] = (noChecksum[4] as number) & ~0x04;
    expect(hasContentChecksum(noChecksum)).toBe(false);
  });

  it('are written at the binary level by the indexer, and rows written at the default level read back the same', async () => {
    const { doc: normalized, digest } = await digestGraph(doc);
    const indexed = await indexDocument(normalized, digest);
    expect(indexed.binaryZst).toEqual(zstdCompress(indexed.binary, BINARY_GRAPH_ZSTD_LEVEL));
    expect(hasContentChecksum(indexed.binaryZst)).toBe(true);
    const now = decodeStoredGraph(indexed.binaryZst);
    const before = decodeStoredGraph(zstdCompress(indexed.binary, ZSTD_LEVEL));
    expect(now.bytes).toBe(indexed.binary.length);
    expect(sliceGraph(now.graph, { type: 'cve', cve })).toEqual(
      sliceGraph(before.graph, { type: 'cve', cve }),
    );
  });

  it('decode to a graph that slices like the original', () => {
    const { graph, bytes } = decodeStoredGraph(zstdCompress(binary));
    expect(bytes).toBe(binary.length);
    expect(sliceGraph(graph, { type: 'cve', cve })).toEqual(
      sliceGraph(createGraph(doc, { digest: DIGEST }), { type: 'cve', cve }),
    );
  });

  it('reject a blob corrupted at rest: the frame checksum catches what the skipped graph checksum would have', () => {
    const zst = Buffer.from(zstdCompress(binary));
    for (const at of [zst.length - 2, Math.floor(zst.length / 2)]) {
      const bad = Buffer.from(zst);
      bad[at] = (bad[at] as number) ^ 0xff;
      expect(() => decodeStoredGraph(bad)).toThrow();
    }
  });
});
