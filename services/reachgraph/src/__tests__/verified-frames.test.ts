import { zstdCompress, zstdDecompress } from '@stella-ops/cas';
import { blake3 } from '@stella-ops/core';
import { HttpProblem } from '@stella-ops/service-kit';
import fc from 'fast-check';
import { VerifiedFrames } from '../api/verified-frames.js';

const content = Buffer.from(
  JSON.stringify({ nodes: Array.from({ length: 200 }, (_, i) => ({ id: `n${i}` })) }),
);

async function code(p: Promise<void>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return err instanceof HttpProblem ? `${err.status} ${err.code}` : 'other';
  }
}

describe('VerifiedFrames', () => {
  it('accepts a frame whose content hashes to the digest, again and again', async () => {
    const frames = new VerifiedFrames();
    const digest = await blake3(content);
    const frame = zstdCompress(content);
    expect(await code(frames.check(digest, frame))).toBeUndefined();
    expect(await code(frames.check(digest, frame))).toBeUndefined();
  });

  it('refuses a frame with a byte changed that changes what it decodes to, also after the genuine frame was accepted', async () => {
    const frames = new VerifiedFrames();
    const digest = await blake3(content);
    const frame = zstdCompress(content);
    await frames.check(digest, frame);
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 1, max: 255 }), async (at, x) => {
        const changed = Buffer.from(frame);
        const i = at % changed.length;
        changed[i] = (changed[i] as number) ^ x;
        // A change the decoder ignores (it decodes to the very same content) is harmless to serve.
        const same = (() => {
          try {
            return zstdDecompress(changed).equals(content);
          } catch {
            return false;
          }
        })();
        expect(await code(frames.check(digest, changed))).toBe(
          same ? undefined : '502 GRAPH_INTEGRITY_FAILED',
        );
      }),
      { numRuns: 100 },
    );
    expect(await code(frames.check(digest, frame))).toBeUndefined();
  });

  it('refuses a valid frame of other content, and bytes that are not zstd', async () => {
    const frames = new VerifiedFrames();
    const digest = await blake3(content);
    const other = zstdCompress(Buffer.from(content.toString().replace('n7', 'n8')));
    expect(await code(frames.check(digest, other))).toBe('502 GRAPH_INTEGRITY_FAILED');
    expect(await code(frames.check(digest, content))).toBe('502 GRAPH_INTEGRITY_FAILED');
    expect(await code(frames.check(digest, new Uint8Array()))).toBe('502 GRAPH_INTEGRITY_FAILED');
  });
});
