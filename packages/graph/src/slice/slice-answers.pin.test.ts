import { createHash } from 'node:crypto';
import { decodeGraph } from '../binary/decode.js';
import { encodeGraph } from '../binary/encode.js';
import { createGraph } from '../model/create-graph.js';
import type { Graph } from '../model/graph.js';
import { generateReachGraph } from '../testing/generate.js';
import { cveSlice } from './cve-slice.js';
import { entrypointSlice } from './entrypoint-slice.js';
import { fileSlice } from './file-slice.js';
import { packageSlice } from './package-slice.js';
import type { SliceOptions, SliceResult } from './types.js';

// Slice answers on a generated graph, pinned byte for byte (sha256 of their JSON text) as the
// engine answered before its CVE slice was optimised: a faster engine must give the same bytes.

const doc = generateReachGraph({ nodes: 20_000, edges: 60_000, seed: 7 });
const built = createGraph(JSON.parse(JSON.stringify(doc)), { digest: `blake3:${'0'.repeat(64)}` });
const decoded = decodeGraph(encodeGraph(built));
const cves = doc.scope.cves ?? [];

const sha256 = (answers: SliceResult[]) => {
  const h = createHash('sha256');
  for (const a of answers) h.update(JSON.stringify(a)).update('\n');
  return h.digest('hex');
};

function everyCve(g: Graph, query: object, options?: SliceOptions): string {
  return sha256(cves.map((cve) => cveSlice(g, { cve, ...query }, options)));
}

describe.each([
  ['built from JSON', built],
  ['decoded from bytes', decoded],
])('slice answers on a generated graph %s are pinned', (_, g) => {
  it('answers every CVE with default limits as pinned', () => {
    expect(cves).toHaveLength(20);
    expect(everyCve(g, {})).toBe('0b05c2d4468e57913ebae731bea4e4d3ab8e428f2264af092437b93685b88e3c');
  });

  it('answers every CVE under tight limits as pinned', () => {
    expect(everyCve(g, {}, { maxNodes: 300, maxPaths: 40, pathsPerPair: 3, maxExpansionsPerPair: 50 })).toBe(
      'fa49a1240d60f85eb45a56f1755ac78c97fff0fba533ad32a9292ee86e16e966',
    );
  });

  it('answers every CVE under observed filters as pinned', () => {
    expect([everyCve(g, { observed: 'only' }), everyCve(g, { observed: 'exclude' })]).toEqual([
      'ca30f68f054a38fde3567241bc0bc6380c1df9318b147b8a9f0ca40c2c650897',
      'a1545f2f3555a78316198ee4362136cf51067aef9022ca4225b0d7aaa1108668',
    ]);
  });

  it('answers every CVE under assumptions as pinned', () => {
    expect([
      everyCve(g, { assume: { FEATURE_X: 'disabled' } }),
      everyCve(g, { assume: { DEBUG: 'true', os: 'linux', FEATURE_X: 'enabled' } }),
    ]).toEqual([
      'e7701698be84064d71c31ba21600785d5a25dd48d281a75f34a18fbe36110893',
      '8fe22d5541556d61ac3f5e6b6c3b3a2d3d876388d9655e449408538fc47dba2d',
    ]);
  });

  it('answers a page of paths as pinned', () => {
    expect(everyCve(g, {}, { pathPage: { offset: 3, limit: 7 } })).toBe(
      '1efde13793575f09708df6245cd0d9d929c8c91d1497915659b26aed90e7b6c5',
    );
  });

  it('answers file, package and entrypoint slices as pinned', () => {
    const entry = doc.scope.entrypoints?.[0] as string;
    expect(
      sha256([
        fileSlice(g, { file: 'src/m0000[0-4].js' }),
        fileSlice(g, { file: 'src/m0001*.js' }, { maxNodes: 200 }),
        packageSlice(g, { purl: 'pkg:npm/dep-0003', depth: 2 }),
        entrypointSlice(g, { entrypoint: entry }),
        entrypointSlice(g, { entrypoint: entry, sinksOnly: true }),
      ]),
    ).toBe('580e7c78503c43c3901689f30c2942a71718e17b6ec2527b881e0655561b1e2c');
  });
});
