import { readdirSync, readFileSync } from 'node:fs';
import _Ajv2020 from 'ajv/dist/2020.js';
import _addFormats from 'ajv-formats';
import fc from 'fast-check';
import { handChecksApply, reachGraphListsValid } from './reachgraph-fast-check.js';
import { SCHEMA_DOCUMENTS } from './registry.generated.js';
import { SCHEMA_IDS } from './schema-ids.js';
import { isValid, schemaIssues } from './validate.js';

// The reference: ajv alone, configured as validate.ts configures it, on the whole document.
type AjvClass = typeof _Ajv2020.default;
type AddFormats = typeof _addFormats.default;
const Ajv2020: AjvClass =
  (_Ajv2020 as unknown as { default?: AjvClass }).default ?? (_Ajv2020 as unknown as AjvClass);
const addFormats: AddFormats =
  (_addFormats as unknown as { default?: AddFormats }).default ?? (_addFormats as unknown as AddFormats);
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, validateFormats: true });
addFormats(ajv);
for (const schema of Object.values(SCHEMA_DOCUMENTS)) ajv.addSchema(schema as object);
const ajvValid = ajv.getSchema(SCHEMA_IDS['reachgraph.min@v1']);
if (!ajvValid) throw new Error('no reachgraph schema');

const dir = new URL('../../../../schemas/examples/reachgraph-min.v1/', import.meta.url);
const examples = readdirSync(dir).map((f) => ({
  file: f,
  doc: JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Record<string, unknown>,
}));
const SHA = `sha256:${'c'.repeat(64)}`;
const base = examples.find((e) => e.file === 'valid-express-lodash.json')?.doc as Record<string, unknown>;

// Strings around the length limits, with surrogate pairs (one code point, two code units) and lone
// surrogates, and around the patterns.
const nearLimit = (max: number) =>
  fc
    .tuple(fc.integer({ min: max - 6, max: max + 6 }), fc.integer({ min: 0, max: 8 }), fc.boolean())
    .map(([units, pairs, lone]) => {
      const tail = '😀'.repeat(pairs) + (lone ? '\ud800' : '');
      return 'x'.repeat(Math.max(0, units - tail.length)) + tail;
    });
const text = (max: number) =>
  fc.oneof(
    fc.constantFrom('a', 'é', '😀', '\ud83d', '', 'src/a.js:1', '\u0000'),
    fc.string({ maxLength: 6 }),
    nearLimit(max),
    fc.constantFrom(1, null, true, ['a'], {}),
  );
const purl = fc.oneof(
  fc.constantFrom(
    'pkg:npm/lodash@4.17.20',
    'pkg:a/',
    'pkg:/x',
    'pkg:1a/x',
    'pkg:a+-./x',
    'npm/x',
    'pkg:npm/a\u0000b',
    'pkg:npm/😀',
    'pkg:a',
    'PKG:npm/x',
  ),
  nearLimit(2048).map((s) => `pkg:npm/${s}`),
  text(10),
);
const vulnId = fc.oneof(
  fc.constantFrom(
    'CVE-2021-23337',
    'CVE-2021-123',
    'GHSA-29mw-wpgm-hmr9',
    'GHSA-aaaa-bbbb-cccc',
    'ABC-1',
    'abc-1',
  ),
  fc.string({ maxLength: 12 }),
);
const sha = fc.oneof(
  fc.constantFrom(
    `sha256:${'a'.repeat(64)}`,
    `sha256:${'b'.repeat(64)}`,
    `sha256:${'A'.repeat(64)}`,
    'sha256:ab',
  ),
  fc.string({ maxLength: 8 }),
);
const count = fc.oneof(fc.constantFrom(0, 1, 7, -1, 1.5, -0, 2 ** 53, Number.NaN, '3', null), fc.integer());
/** A valid item with some optional members, then (mostly) one member replaced, added or removed. */
function nearlyValid(
  valid: Record<string, unknown>,
  optional: string[],
  fields: Record<string, fc.Arbitrary<unknown>>,
): fc.Arbitrary<unknown> {
  const keys = Object.keys(fields);
  return fc
    .tuple(
      fc.subarray(optional),
      fc.oneof(
        { weight: 1, arbitrary: fc.constant(undefined) },
        { weight: 4, arbitrary: fc.constantFrom(...keys).chain((k) => fields[k]!.map((v) => ({ k, v }))) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(...keys, 'other').map((k) => ({ k, v: undefined, drop: true })),
        },
        { weight: 1, arbitrary: fc.constantFrom(1, true, 'x').map((v) => ({ k: 'other', v })) },
      ),
      fc.constantFrom(false, false, false, true),
    )
    .map(([kept, change, replaceWhole]) => {
      if (replaceWhole) return change?.v ?? null;
      const item: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(valid)) if (!optional.includes(k) || kept.includes(k)) item[k] = v;
      if (change && 'drop' in change) delete item[change.k];
      else if (change) item[change.k] = change.v;
      return item;
    });
}
const observation = nearlyValid({ hitCount: 1, batches: [`sha256:${'a'.repeat(64)}`] }, [], {
  hitCount: count,
  batches: fc.oneof(
    fc.array(sha, { maxLength: 3 }),
    fc.constantFrom('x', null, [`sha256:${'a'.repeat(64)}`, `sha256:${'a'.repeat(64)}`]),
  ),
});
const node = nearlyValid(
  {
    id: 'n',
    kind: 'function',
    purl: 'pkg:npm/a@1',
    symbol: 's',
    file: 'f',
    line: 1,
    isEntrypoint: true,
    isSink: false,
    cves: ['CVE-2021-23337'],
    observed: { hitCount: 2, batches: [`sha256:${'b'.repeat(64)}`] },
  },
  ['purl', 'symbol', 'file', 'line', 'isEntrypoint', 'isSink', 'cves', 'observed'],
  {
    id: text(2048),
    kind: fc.constantFrom('function', 'method', 'module', 'package', 'file', 'binary', 'lambda', 1),
    purl,
    symbol: text(2048),
    file: text(2048),
    line: count,
    isEntrypoint: fc.constantFrom(true, false, 1, 'true'),
    isSink: fc.constantFrom(true, false, null),
    cves: fc.oneof(fc.array(vulnId, { maxLength: 3 }), fc.constantFrom('CVE-2021-23337', null)),
    observed: fc.oneof(observation, fc.constantFrom(null, [], 'x')),
  },
);
const why = nearlyValid(
  { type: 'EnvGuard', loc: 'a.js:1', guard: 'DEBUG=1', confidence: 0.5 },
  ['loc', 'guard', 'confidence'],
  {
    type: fc.constantFrom('DirectCall', 'Import', 'EnvGuard', 'LoaderRule', 'Call', 1),
    loc: text(2048),
    guard: text(1024),
    confidence: fc.oneof(fc.double(), fc.constantFrom(0, 1, 0.5, -0, 1.0000001, '0.5')),
  },
);
const edge = nearlyValid(
  { from: 'a', to: 'b', why: { type: 'DirectCall' }, observed: { hitCount: 0, batches: [] } },
  ['observed'],
  { from: text(2048), to: text(2048), why, observed: fc.oneof(observation, fc.constantFrom(null, [], 'x')) },
);
const docs = fc
  .record({
    nodes: fc.array(node, { maxLength: 3 }),
    edges: fc.array(edge, { maxLength: 3 }),
    shell: fc.oneof(
      {
        weight: 4,
        arbitrary: fc.constantFrom(...examples.filter((e) => e.file.startsWith('valid-')).map((e) => e.doc)),
      },
      { weight: 1, arbitrary: fc.constantFrom(...examples.map((e) => e.doc)) },
    ),
    drop: fc.constantFrom(undefined, undefined, undefined, 'nodes', 'edges', 'artifact'),
  })
  .map(({ nodes, edges, shell, drop }) => {
    const doc: Record<string, unknown> = { ...shell, nodes, edges };
    if (drop) delete doc[drop];
    return doc;
  });

describe('reachgraph.min@v1 quick acceptance', () => {
  it('applies to the schemas in this repository (a schema change switches it off: review the hand checks)', () => {
    expect(handChecksApply()).toBe(true);
  });

  it('accepts the valid examples quickly, and schemaIssues answers as ajv does for every example', () => {
    for (const { file, doc } of examples) {
      const reference = ajvValid(doc) === true;
      expect({ file, valid: isValid('reachgraph.min@v1', doc) }).toEqual({ file, valid: reference });
      if (reference) expect(reachGraphListsValid(doc)).toBeDefined();
      if (!reference) expect(schemaIssues('reachgraph.min@v1', doc).length).toBeGreaterThan(0);
    }
  });

  it('never accepts what ajv rejects, and answers as ajv does on every generated document', () => {
    let quick = 0;
    let rejected = 0;
    fc.assert(
      fc.property(docs, (doc) => {
        const reference = ajvValid(doc) === true;
        const lists = reachGraphListsValid(doc);
        // Soundness: the hand checks plus ajv on the rest never say yes where ajv says no.
        if (lists && ajvValid(lists.withoutLists) === true) {
          quick++;
          expect(reference).toBe(true);
        }
        if (!reference) rejected++;
        expect(isValid('reachgraph.min@v1', doc)).toBe(reference);
        expect(schemaIssues('reachgraph.min@v1', doc).length === 0).toBe(reference);
      }),
      { numRuns: 3000 },
    );
    // Both sides of the property came up often.
    expect(quick).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(300);
  });

  it('leaves invalid items and documents to ajv, which lists their issues', () => {
    const extra = { ...base, nodes: [{ id: 'a', kind: 'function', colour: 'red' }] };
    expect(reachGraphListsValid(extra)).toBeUndefined();
    expect(schemaIssues('reachgraph.min@v1', extra)).toEqual([
      {
        pointer: '/nodes/0/colour',
        keyword: 'additionalProperties',
        message: 'must NOT have additional properties',
      },
    ]);
    expect(reachGraphListsValid([])).toBeUndefined();
    expect(reachGraphListsValid({ ...base, nodes: 'x' })).toBeUndefined();
    // the rest of the document is still checked (by ajv): a bad artifact digest with valid lists
    const badRest = { ...base, artifact: { name: 'x', digest: 'md5:1' } };
    expect(reachGraphListsValid(badRest)).toBeDefined();
    expect(isValid('reachgraph.min@v1', badRest)).toBe(false);
    // 2048 code points that take more than 2048 code units are fine; 2049 are not
    const long = (cp: number) => `${'x'.repeat(cp - 10)}${'😀'.repeat(10)}`;
    const withSymbol = (s: string) => ({
      ...base,
      nodes: [{ id: 'a', kind: 'function', symbol: s }],
      edges: [],
    });
    expect(reachGraphListsValid(withSymbol(long(2048)))).toBeDefined();
    expect(reachGraphListsValid(withSymbol(long(2049)))).toBeUndefined();
    expect(ajvValid(withSymbol(long(2049)))).toBe(false);
  });

  it.each([
    ['unknown node member', { nodes: [{ id: 'a', kind: 'function', other: true }] }],
    ['node kind', { nodes: [{ id: 'a', kind: 'lambda' }] }],
    ['node id missing', { nodes: [{ kind: 'function' }] }],
    ['empty node id', { nodes: [{ id: '', kind: 'function' }] }],
    ['purl pattern', { nodes: [{ id: 'a', kind: 'function', purl: 'npm/x' }] }],
    ['purl NUL', { nodes: [{ id: 'a', kind: 'function', purl: 'pkg:npm/a\u0000' }] }],
    ['negative line', { nodes: [{ id: 'a', kind: 'function', line: -1 }] }],
    ['fractional line', { nodes: [{ id: 'a', kind: 'function', line: 1.5 }] }],
    ['cve pattern', { nodes: [{ id: 'a', kind: 'function', cves: ['cve-1'] }] }],
    [
      'duplicate batches',
      { nodes: [{ id: 'a', kind: 'function', observed: { hitCount: 1, batches: [SHA, SHA] } }] },
    ],
    [
      'batch pattern',
      { nodes: [{ id: 'a', kind: 'function', observed: { hitCount: 1, batches: ['sha256:x'] } }] },
    ],
    ['hitCount missing', { nodes: [{ id: 'a', kind: 'function', observed: { batches: [] } }] }],
    ['edge type', { edges: [{ from: 'a', to: 'b', why: { type: 'Call' } }] }],
    ['edge why missing', { edges: [{ from: 'a', to: 'b' }] }],
    ['edge to missing', { edges: [{ from: 'a', why: { type: 'Import' } }] }],
    ['confidence above one', { edges: [{ from: 'a', to: 'b', why: { type: 'Import', confidence: 1.5 } }] }],
    ['empty guard', { edges: [{ from: 'a', to: 'b', why: { type: 'EnvGuard', guard: '' } }] }],
    [
      'guard too long',
      { edges: [{ from: 'a', to: 'b', why: { type: 'EnvGuard', guard: 'g'.repeat(1025) } }] },
    ],
    ['unknown why member', { edges: [{ from: 'a', to: 'b', why: { type: 'Import', because: 'x' } }] }],
    ['unknown edge member', { edges: [{ from: 'a', to: 'b', why: { type: 'Import' }, weight: 1 }] }],
  ])('leaves a document with a bad item (%s) to ajv, which rejects it', (_name, lists) => {
    const doc = { ...base, nodes: [], edges: [], ...lists };
    expect(reachGraphListsValid(doc)).toBeUndefined();
    expect(ajvValid(doc)).toBe(false);
    expect(isValid('reachgraph.min@v1', doc)).toBe(false);
  });
});
