import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { CVES, smallGraph } from '../__tests__/arbitraries.js';
import { demoGraph } from '../__tests__/demo-graph.js';
import { DIGEST, edge, fn, graph } from '../__tests__/fixtures.js';
import { isGraphError } from '../error.js';
import { createGraph } from '../model/create-graph.js';
import type { Graph } from '../model/graph.js';
import { sliceGraph } from '../slice/slice-graph.js';
import type { AnySliceQuery } from '../slice/types.js';
import { checksumOf } from './checksum.js';
import { decodeGraph } from './decode.js';
import { encodeGraph } from './encode.js';
import { H, HEADER_SIZE, SECTIONS } from './format.js';

const binaryInvalid = expect.objectContaining({ code: 'GRAPH_BINARY_INVALID' });
const QUERIES: AnySliceQuery[] = [
  ...CVES.map((cve) => ({ type: 'cve' as const, cve })),
  { type: 'package', purl: 'pkg:npm/a', depth: 3 },
  { type: 'entrypoint', entrypoint: 'main', sinksOnly: true },
  { type: 'file', file: '**' },
];

/** Rewrites the checksum so only the structural checks stand between the bytes and a graph. */
function forge(bytes: Uint8Array): Uint8Array {
  bytes.set(checksumOf(bytes), H.checksum);
  return bytes;
}

/** Where section `name` starts in `bytes`. */
function section(bytes: Uint8Array, name: string): number {
  const i = SECTIONS.findIndex((s) => s.name === name);
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(HEADER_SIZE + i * 8, true);
}

const u32 = (bytes: Uint8Array, at: number, value: number) =>
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(at, value, true);

const slices = (g: Graph) => QUERIES.map((q) => sliceGraph(g, q));

describe('corrupt binary graphs', () => {
  const good = encodeGraph(demoGraph());
  const copy = () => good.slice();

  it('rejects a bad magic, an unknown version, unknown flags', () => {
    const magic = copy();
    magic[1] = 0x58;
    expect(() => decodeGraph(magic)).toThrow(binaryInvalid);
    const version = copy();
    version[H.version] = 2;
    expect(() => decodeGraph(version)).toThrow(binaryInvalid);
    const flags = copy();
    flags[H.flags] = 1;
    expect(() => decodeGraph(flags)).toThrow(binaryInvalid);
    expect(() => decodeGraph('not bytes' as never)).toThrow(binaryInvalid);
  });

  it('rejects a checksum mismatch anywhere in the file', () => {
    for (const at of [
      H.fileLength,
      H.digest,
      HEADER_SIZE + 3,
      good.length - 1,
      Math.floor(good.length / 2),
    ]) {
      const bytes = copy();
      bytes[at] = (bytes[at] as number) ^ 0x10;
      expect(() => decodeGraph(bytes)).toThrow(binaryInvalid);
    }
  });

  it('rejects truncated or extended input', () => {
    for (const length of [0, 7, 100, HEADER_SIZE + 5, good.length - 8, good.length - 1]) {
      expect(() => decodeGraph(good.subarray(0, length))).toThrow(binaryInvalid);
    }
    const longer = new Uint8Array(good.length + 8);
    longer.set(good);
    expect(() => decodeGraph(longer)).toThrow(binaryInvalid);
  });

  it('rejects inconsistent counts and section tables even with a valid checksum', () => {
    const count = copy();
    u32(count, H.nodeCount, 19);
    expect(() => decodeGraph(forge(count))).toThrow(binaryInvalid);
    const strings = copy();
    u32(strings, H.stringCount, 3);
    expect(() => decodeGraph(forge(strings))).toThrow(binaryInvalid);
    const misaligned = copy();
    u32(misaligned, HEADER_SIZE + 8, section(good, 'stringBlob') + 1);
    expect(() => decodeGraph(forge(misaligned))).toThrow(binaryInvalid);
    const overlap = copy();
    u32(overlap, HEADER_SIZE + 8, section(good, 'stringOffsets'));
    expect(() => decodeGraph(forge(overlap))).toThrow(binaryInvalid);
    const past = copy();
    u32(past, HEADER_SIZE + 24 * 8, good.length);
    expect(() => decodeGraph(forge(past))).toThrow(binaryInvalid);
    const reserved = copy();
    reserved[H.reserved] = 1;
    expect(() => decodeGraph(forge(reserved))).toThrow(binaryInvalid);
  });

  it('rejects indexes and offsets out of range even with a valid checksum', () => {
    const cases: [string, number, number][] = [
      ['forwardTargets', 0, 999],
      ['forwardOffsets', 4, 0xfffffff0],
      ['reverseSources', 0, 18],
      ['reverseEdges', 0, 10_000],
      ['edgeExplanation', 0, 0xfffffffe],
      ['edgeObservation', 0, 77],
      ['nodePurl', 0, 100_000],
      ['stringOffsets', 4, 0xffffff],
      ['cveOffsets', 0, 1],
      ['observationBatches', 0, 9999],
    ];
    for (const [name, at, value] of cases) {
      const bytes = copy();
      u32(bytes, section(bytes, name) + at, value);
      expect(() => decodeGraph(forge(bytes))).toThrow(binaryInvalid);
    }
    const kind = copy();
    kind[section(kind, 'nodeKind')] = 6;
    expect(() => decodeGraph(forge(kind))).toThrow(binaryInvalid);
    const flag = copy();
    flag[section(flag, 'nodeFlags')] = 4;
    expect(() => decodeGraph(forge(flag))).toThrow(binaryInvalid);
    const type = copy();
    type[section(type, 'explanationType')] = 8;
    expect(() => decodeGraph(forge(type))).toThrow(binaryInvalid);
    const utf8 = copy();
    utf8[section(utf8, 'stringBlob')] = 0xff;
    expect(() => decodeGraph(forge(utf8))).toThrow(binaryInvalid);
  });

  describe('a string table with text beyond ASCII', () => {
    const nonAscii = () =>
      encodeGraph(
        graph(
          [
            fn('app:main', { symbol: 'main', file: 'src/ünïcödé.js', isEntrypoint: true }),
            fn('app:λ', { symbol: 'λ→𝔉', file: 'src/日本.js' }),
          ],
          [edge('app:main', 'app:λ')],
        ),
      );

    it('decodes every string back', () => {
      const g = decodeGraph(nonAscii());
      const strings = Array.from({ length: g.strings.size }, (_, i) => g.strings.get(i));
      expect(strings).toEqual(expect.arrayContaining(['app:λ', 'λ→𝔉', 'src/ünïcödé.js', 'src/日本.js']));
    });

    it('refuses bytes that are not UTF-8 (a lone surrogate, an overlong form, a stray continuation)', () => {
      const bytes = nonAscii();
      const blob = section(bytes, 'stringBlob');
      const at = Buffer.from(bytes.subarray(blob)).indexOf(Buffer.from('λ→', 'utf8'));
      expect(at).toBeGreaterThan(0);
      for (const bad of [[0xed, 0xa0, 0x80], [0xc0, 0xaf], [0x80]]) {
        const changed = bytes.slice();
        changed.set(bad, blob + at);
        expect(() => decodeGraph(forge(changed))).toThrow(binaryInvalid);
      }
    });

    it('refuses a string offset that starts inside a character', () => {
      const bytes = nonAscii();
      const offsets = section(bytes, 'stringOffsets');
      const blob = section(bytes, 'stringBlob');
      const view = new DataView(bytes.buffer, bytes.byteOffset);
      const g = decodeGraph(bytes);
      // the string right after 'app:λ' (node 1's id) starts one byte earlier: inside the 'λ'
      const lambda = Array.from({ length: g.strings.size }, (_, i) => g.strings.get(i)).indexOf('app:λ');
      const next = offsets + (lambda + 1) * 4;
      u32(bytes, next, view.getUint32(next, true) - 1);
      expect(bytes[blob + view.getUint32(next, true)]).toBe(0xbb);
      expect(() => decodeGraph(forge(bytes))).toThrow(binaryInvalid);
    });

    it('node:buffer isUtf8 accepts exactly what a fatal UTF-8 TextDecoder accepts', () => {
      const decoder = new TextDecoder('utf-8', { fatal: true });
      const accepts = (b: Uint8Array) => {
        try {
          decoder.decode(b);
          return true;
        } catch {
          return false;
        }
      };
      const utf8ish = fc.oneof(
        fc.uint8Array({ maxLength: 24 }),
        fc
          .array(
            fc.oneof(
              fc.integer({ min: 0x80, max: 0xff }),
              fc.constantFrom(0xe2, 0x86, 0x92, 0xed, 0xa0, 0xf0),
            ),
            {
              maxLength: 12,
            },
          )
          .map((a) => Uint8Array.from(a)),
        fc.string({ unit: 'binary' }).map((s) => new TextEncoder().encode(s)),
      );
      fc.assert(
        fc.property(utf8ish, (b) => {
          expect(isUtf8(b)).toBe(accepts(b));
        }),
      );
    });
  });

  it('full verification also catches forged sort order and a reverse index that disagrees', () => {
    const order = copy();
    const blob = section(order, 'stringBlob');
    order[blob] = 'z'.charCodeAt(0); // the first id no longer sorts first
    expect(() => decodeGraph(forge(order), { verify: 'full' })).toThrow(binaryInvalid);
    const reverse = copy();
    const at = section(reverse, 'reverseEdges');
    const view = new DataView(reverse.buffer);
    const [a, b] = [view.getUint32(at, true), view.getUint32(at + 4, true)];
    u32(reverse, at, b);
    u32(reverse, at + 4, a);
    expect(() => decodeGraph(forge(reverse.slice()))).not.toThrow();
    expect(() => decodeGraph(forge(reverse), { verify: 'full' })).toThrow(binaryInvalid);
  });

  it('fuzz: random byte flips and truncations decode to the identical graph or throw GRAPH_BINARY_INVALID', () => {
    fc.assert(
      fc.property(
        smallGraph,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.option(fc.nat(), { nil: undefined }),
        (d, flips, cut) => {
          const g = createGraph(d, { digest: DIGEST });
          const bytes = encodeGraph(g);
          for (const [pos, value] of flips) bytes[pos % bytes.length] = value;
          const input = cut === undefined ? bytes : bytes.subarray(0, cut % (bytes.length + 1));
          let decoded: Graph;
          try {
            decoded = decodeGraph(input);
          } catch (err) {
            expect(isGraphError(err, 'GRAPH_BINARY_INVALID')).toBe(true);
            return;
          }
          expect(slices(decoded)).toEqual(slices(g));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('fuzz: forged corruption (checksum recomputed) is rejected or yields a graph slices run on', () => {
    fc.assert(
      fc.property(
        smallGraph,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('checksum' as const, 'full' as const, 'ranges' as const),
        (d, flips, verify) => {
          const bytes = encodeGraph(createGraph(d, { digest: DIGEST }));
          for (const [pos, value] of flips) bytes[48 + (pos % (bytes.length - 48))] = value;
          let decoded: Graph;
          try {
            // 'ranges' gets the corrupt bytes as they are: only the structural checks guard it.
            decoded = decodeGraph(verify === 'ranges' ? bytes : forge(bytes), { verify });
          } catch (err) {
            expect(isGraphError(err, 'GRAPH_BINARY_INVALID')).toBe(true);
            return;
          }
          for (const q of QUERIES) {
            try {
              sliceGraph(decoded, q);
            } catch (err) {
              // a forged graph may not hold the queried strings in a form the query accepts, but
              // it must never crash the engine
              expect(isGraphError(err)).toBe(true);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("verify: 'ranges' skips only the checksum", () => {
    const stale = copy();
    stale[H.checksum] = (stale[H.checksum] as number) ^ 0xff;
    expect(() => decodeGraph(stale)).toThrow(binaryInvalid);
    expect(slices(decodeGraph(stale, { verify: 'ranges' }))).toEqual(slices(decodeGraph(good)));
    const outOfRange = copy();
    u32(outOfRange, section(outOfRange, 'forwardTargets'), 0xfffffff0);
    expect(() => decodeGraph(outOfRange, { verify: 'ranges' })).toThrow(binaryInvalid);
    expect(() => decodeGraph(good, { verify: 'none' as never })).toThrow(binaryInvalid);
  });
});
