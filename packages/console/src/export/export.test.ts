import fc from 'fast-check';
import type { SliceResponse } from '../model/types.js';
import { dotString, exportSlice, mermaidText, toDot, toJson, toMermaid } from './index.js';

const DIGEST = `blake3:${'0123456789abcdef'.repeat(4)}`;

/** main → render (FeatureFlag, observed) → template (sink). */
function slice(): SliceResponse {
  return {
    schemaVersion: 'reachgraph.slice@v1',
    graphDigest: DIGEST,
    query: { type: 'cve', cve: 'CVE-2021-23337' },
    verdict: 'reachable',
    nodes: [
      {
        id: 'app#main',
        kind: 'function',
        symbol: 'main',
        file: 'src/server.js',
        line: 8,
        isEntrypoint: true,
      },
      {
        id: 'app#render',
        kind: 'function',
        symbol: 'render',
        file: 'src/reports.js',
        line: 42,
        observed: { hitCount: 212, batches: [`sha256:${'1'.repeat(64)}`] },
      },
      {
        id: 'lodash#template',
        kind: 'function',
        symbol: 'template',
        purl: 'pkg:npm/lodash@4.17.20',
        isSink: true,
        cves: ['CVE-2021-23337'],
      },
    ],
    edges: [
      {
        from: 'app#main',
        to: 'app#render',
        why: { type: 'FeatureFlag', guard: 'CUSTOM_REPORTS=enabled', loc: 'a:1' },
      },
      {
        from: 'app#render',
        to: 'lodash#template',
        why: { type: 'DirectCall' },
        observed: { hitCount: 212, batches: [`sha256:${'1'.repeat(64)}`] },
      },
    ],
    counts: { nodes: 3, edges: 2, paths: 1 },
    truncated: false,
  };
}

/** Reads a DOT double-quoted string back (the escapes `dotString` writes). */
function undot(s: string): string {
  expect(s.startsWith('"') && s.endsWith('"')).toBe(true);
  return s.slice(1, -1).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

describe('slice exports', () => {
  it('writes Mermaid: short ids in slice order, labels with file:line, guarded and observed edges, classes', () => {
    expect(toMermaid(slice())).toBe(
      [
        'flowchart LR',
        '  n0["main<br/>src/server.js:8"]',
        '  n1["render<br/>src/reports.js:42"]',
        '  n2["template"]',
        '  n0 -->|"FeatureFlag: CUSTOM_REPORTS=enabled"| n1',
        '  n1 ==>|"DirectCall"| n2',
        '  classDef entrypoint stroke:#175cd3,stroke-width:2px',
        '  class n0 entrypoint',
        '  classDef sink stroke:#b42318,stroke-width:2px',
        '  class n2 sink',
        '',
      ].join('\n'),
    );
  });

  it('writes DOT: quoted ids, labels with purl and file:line, dashed guarded edges, bold observed ones', () => {
    expect(toDot(slice())).toBe(
      [
        'digraph slice {',
        '  rankdir=LR;',
        '  node [shape=box, style=rounded, fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
        '  "app#main" [label="main\\nsrc/server.js:8", color="#175cd3", penwidth=2];',
        '  "app#render" [label="render\\nsrc/reports.js:42", style="rounded,bold"];',
        '  "lodash#template" [label="template\\npkg:npm/lodash@4.17.20", color="#b42318", penwidth=2];',
        '  "app#main" -> "app#render" [label="FeatureFlag: CUSTOM_REPORTS=enabled", style=dashed];',
        '  "app#render" -> "lodash#template" [label="DirectCall", penwidth=2];',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('writes JSON that parses back to the slice', () => {
    expect(JSON.parse(toJson(slice()))).toEqual(slice());
  });

  it('names files by graph digest prefix and query, with the format’s media type', () => {
    expect(exportSlice(slice(), 'mermaid')).toMatchObject({
      fileName: 'slice-0123456789ab-CVE-2021-23337.mmd',
      mediaType: 'text/vnd.mermaid',
    });
    const pkg = { ...slice(), query: { type: 'package' as const, purl: 'pkg:npm/@acme/*' } };
    expect(exportSlice(pkg, 'dot').fileName).toBe('slice-0123456789ab-pkg_npm_acme.dot');
    expect(exportSlice(pkg, 'json').mediaType).toBe('application/json');
  });

  it('escapes any text so a DOT string reads back as written (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (s) => {
        const quoted = dotString(s);
        expect(/(^|[^\\])(\\\\)*"/.test(quoted.slice(1, -1))).toBe(false);
        expect(quoted).not.toMatch(/[\r\n]/);
        expect(undot(quoted)).toBe(s.replace(/\r\n?/g, '\n'));
      }),
    );
  });

  it('leaves no Mermaid syntax character in a label (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (s) => {
        const out = mermaidText(s);
        expect(out).not.toMatch(/["<>|\r\n]/);
        // Every # starts an entity code.
        expect(out.replace(/#(35|quot|lt|gt|124);/g, '')).not.toContain('#');
      }),
    );
  });

  it('draws every node once and every edge once, whatever the symbols (property)', () => {
    const symbol = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(fc.array(symbol, { minLength: 1, maxLength: 8 }), (symbols) => {
        const s = slice();
        s.nodes = symbols.map((sym, i) => ({ id: `n:${i}`, kind: 'function' as const, symbol: sym }));
        s.edges = symbols
          .slice(1)
          .map((_, i) => ({ from: `n:${i}`, to: `n:${i + 1}`, why: { type: 'Import' } }));
        const mermaid = toMermaid(s).split('\n');
        expect(mermaid.filter((l) => /^ {2}n\d+\["/.test(l))).toHaveLength(symbols.length);
        expect(mermaid.filter((l) => l.includes('-->'))).toHaveLength(symbols.length - 1);
        const dot = toDot(s).split('\n');
        expect(dot.filter((l) => l.includes(' -> '))).toHaveLength(symbols.length - 1);
        expect(toMermaid(s)).toBe(toMermaid(structuredClone(s)));
      }),
    );
  });
});
