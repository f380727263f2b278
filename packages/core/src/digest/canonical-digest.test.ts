import fc from 'fast-check';
import { isCoreError } from '../error.js';
import { canonicalize } from '../json/canonicalize.js';
import { blake3 } from './blake3.js';
import { blake3Canonical, sha256Canonical, sha256CanonicalLines } from './canonical-digest.js';
import { sha256 } from './sha256.js';

describe('digests of canonical JSON', () => {
  const small = { b: [1, 'é'], a: { z: null, y: true } };
  const large = { items: Array.from({ length: 30_000 }, (_, i) => ({ n: i, s: `v${i}😀` })) };

  it.each([
    ['small', small],
    ['large (many chunks)', large],
  ])('equal hashing the canonical text: %s', async (_name, value) => {
    expect(await blake3Canonical(value)).toBe(await blake3(canonicalize(value)));
    expect(sha256Canonical(value)).toBe(sha256(canonicalize(value)));
  });

  it('does not depend on key order', async () => {
    expect(await blake3Canonical({ a: 1, b: 2 })).toBe(await blake3Canonical({ b: 2, a: 1 }));
    expect(await blake3Canonical({ a: 1, b: 2 })).not.toBe(await blake3Canonical({ a: 1, b: 3 }));
  });

  it('rejects what has no canonical form, and recovers afterwards', async () => {
    const err = await blake3Canonical({ x: [1, Number.NaN] }).catch((e: unknown) => e);
    expect(isCoreError(err, 'CANONICAL_JSON_INVALID')).toBe(true);
    let syncErr: unknown;
    try {
      sha256Canonical(new Map());
    } catch (e) {
      syncErr = e;
    }
    expect(isCoreError(syncErr, 'CANONICAL_JSON_INVALID')).toBe(true);
    expect(await blake3Canonical(small)).toBe(await blake3(canonicalize(small)));
  });

  it('hashes concurrent calls independently', async () => {
    const values = [small, large, [1, 2, 3], 'x'];
    const digests = await Promise.all(values.map((v) => blake3Canonical(v)));
    expect(digests).toEqual(await Promise.all(values.map((v) => blake3(canonicalize(v)))));
  });

  describe('sha256CanonicalLines', () => {
    const lines = (values: unknown[]) => sha256(values.map((v) => `${canonicalize(v)}\n`).join(''));

    it("equals hashing each value's canonical JSON and a line feed, in order", () => {
      fc.assert(
        fc.property(
          fc.array(fc.oneof(fc.jsonValue(), fc.string({ unit: 'grapheme' })), { maxLength: 20 }),
          (values) => {
            expect(sha256CanonicalLines(values)).toBe(lines(values));
          },
        ),
        { numRuns: 200 },
      );
      expect(sha256CanonicalLines([])).toBe(sha256(''));
      // many chunks: lines that span and fill the writer's buffer
      expect(sha256CanonicalLines(large.items)).toBe(lines(large.items));
      expect(sha256CanonicalLines([large, small, large])).toBe(lines([large, small, large]));
    });

    it('rejects a value without canonical form, naming it from its own root', () => {
      let err: unknown;
      try {
        sha256CanonicalLines([small, { a: [Number.NaN] }]);
      } catch (e) {
        err = e;
      }
      expect(isCoreError(err, 'CANONICAL_JSON_INVALID')).toBe(true);
      expect((err as Error).message).toContain('/a/0');
      expect(() => sha256CanonicalLines([1, undefined])).toThrow(/undefined is not a JSON value/);
      expect(sha256CanonicalLines([small])).toBe(lines([small]));
    });
  });
});
