import { createGraph, encodeGraph, generateReachGraph, sliceGraph } from '@stella-ops/graph';
import { decodeStoredGraph, hasContentChecksum } from '../engine.js';
import { zstdCompress } from '../zstd.js';

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
