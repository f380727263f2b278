import { readFileSync } from 'node:fs';
import {
  type CallgraphNodeRecord,
  type CallgraphRecord,
  sha256Canonical,
  type VulnerableSink,
} from '@stella-ops/core';
import fc from 'fast-check';
import semver from 'semver';
import { sha } from '../__tests__/fixtures.js';
import { expectValid } from '../__tests__/schema.js';
import { buildReachGraph, buildReachGraphReport } from './build-reach-graph.js';
import { sinksFromOsv } from './osv.js';
import type { OsvAffected, OsvDocument, OsvRange } from './osv-types.js';
import { isAffectedVersion } from './osv-versions.js';

const example = (name: string) =>
  readFileSync(new URL(`../../../../examples/orders-api/${name}`, import.meta.url), 'utf8');
const records = example('callgraph.ndjson')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as CallgraphRecord);
const ARTIFACT = { name: 'acme/orders-api', digest: sha('d') };

const node = (id: string, purl: string, symbol: string): CallgraphNodeRecord => ({
  type: 'node',
  id,
  purl,
  symbol,
});
const semverRange = (...events: OsvRange['events'][number][]): OsvRange => ({ type: 'SEMVER', events });

describe('sinksFromOsv', () => {
  it('places the orders-api advisories exactly where sinks.json does', () => {
    const osv = JSON.parse(example('osv.json')) as OsvDocument;
    const sinks = JSON.parse(example('sinks.json')) as VulnerableSink[];
    const fromOsv = buildReachGraphReport({
      artifact: ARTIFACT,
      callgraph: { records },
      vulnerabilities: osv,
    });
    const fromSinks = buildReachGraph({ artifact: ARTIFACT, callgraph: { records }, sinks });
    expectValid('reachgraph-min', fromOsv.graph);
    expect(fromOsv.unmatchedSinks).toEqual([]);
    expect(fromOsv.graph.nodes).toEqual(fromSinks.nodes);
    expect(fromOsv.graph.scope).toEqual(fromSinks.scope);
    // provenance names the OSV document by the digest of its canonical JSON instead of the sink list
    expect(fromOsv.graph.provenance.inputs.at(-1)).toEqual({ kind: 'osv', digest: sha256Canonical(osv) });
    expect(fromSinks.provenance.inputs.at(-1)?.kind).toBe('sinks');
  });

  it('keeps only nodes of affected versions, by range, version list or when it cannot tell', () => {
    const nodes = [
      node('a1', 'pkg:npm/lib@1.0.0', 'f'),
      node('a2', 'pkg:npm/lib@2.0.0', 'f'),
      node('a3', 'pkg:npm/lib@2.5.0', 'f'),
      node('a4', 'pkg:npm/lib@3.0.0', 'f'),
      node('nov', 'pkg:npm/lib', 'f'),
      node('other', 'pkg:npm/other@1.0.0', 'f'),
      node('g', 'pkg:npm/lib@1.0.0', 'g'),
    ];
    const doc: OsvDocument = {
      vulns: [
        {
          id: 'GHSA-aaaa-bbbb-cccc',
          aliases: ['CVE-2024-9999', 'CVE-2024-1111'],
          affected: [
            {
              package: { ecosystem: 'npm', name: 'lib' },
              ranges: [semverRange({ introduced: '2.0.0' }, { fixed: '3.0.0' })],
              ecosystem_specific: { affected_functions: ['f', 'missing'] },
            },
          ],
        },
      ],
    };
    const out = sinksFromOsv(doc, nodes);
    // the smallest CVE alias names it; 1.0.0 and 3.0.0 are outside [2.0.0, 3.0.0); no version → kept
    expect(out.sinks).toEqual([
      { cve: 'CVE-2024-1111', purl: 'pkg:npm/lib@2.0.0', symbol: 'f' },
      { cve: 'CVE-2024-1111', purl: 'pkg:npm/lib@2.5.0', symbol: 'f' },
      { cve: 'CVE-2024-1111', purl: 'pkg:npm/lib', symbol: 'f' },
    ]);
    expect(out.unmatched).toEqual([
      { vulnerability: 'CVE-2024-1111', purl: 'pkg:npm/lib', symbol: 'missing' },
    ]);
  });

  it('evaluates OSV version events: introduced, fixed, last_affected, listed versions, git ranges', () => {
    const a = (extra: Partial<OsvAffected>): OsvAffected => ({
      package: { ecosystem: 'npm', name: 'x' },
      ...extra,
    });
    const upTo = a({ ranges: [semverRange({ introduced: '0' }, { last_affected: '1.2.5' })] });
    expect(isAffectedVersion('1.2.5', upTo)).toBe(true);
    expect(isAffectedVersion('1.2.6', upTo)).toBe(false);
    const twoWindows = a({
      ranges: [
        semverRange({ introduced: '1.0.0' }, { fixed: '1.1.0' }, { introduced: '2.0.0' }, { fixed: '2.0.3' }),
      ],
    });
    expect(
      ['0.9.0', '1.0.0', '1.0.9', '1.1.0', '2.0.2', '2.0.3'].map((v) => isAffectedVersion(v, twoWindows)),
    ).toEqual([false, true, true, false, true, false]);
    const listed = a({ versions: ['1.0.0', '1.0.1'] });
    expect([isAffectedVersion('1.0.1', listed), isAffectedVersion('1.0.2', listed)]).toEqual([true, false]);
    // what cannot be decided counts as affected
    expect(
      isAffectedVersion('1.0.0', a({ ranges: [{ type: 'GIT', events: [{ introduced: 'abc' }] }] })),
    ).toBe(true);
    expect(isAffectedVersion('not-semver', twoWindows)).toBe(true);
    expect(isAffectedVersion(null, twoWindows)).toBe(true);
    expect(isAffectedVersion('9.9.9', a({}))).toBe(true);
  });

  it('agrees with semver on [introduced, fixed) windows, whatever the order of events', () => {
    const version = fc.tuple(fc.nat(5), fc.nat(5), fc.nat(5)).map(([a, b, c]) => `${a}.${b}.${c}`);
    fc.assert(
      fc.property(version, version, version, fc.boolean(), (a, b, v, reversed) => {
        const [lo, hi] = semver.lte(a, b) ? [a, b] : [b, a];
        const events = [{ introduced: lo }, { fixed: hi }];
        const affected: OsvAffected = { ranges: [semverRange(...(reversed ? events.reverse() : events))] };
        expect(isAffectedVersion(v, affected)).toBe(semver.satisfies(v, `>=${lo} <${hi}`));
      }),
      { numRuns: 300 },
    );
    const empty = semverRange({ fixed: '1.0.0' }, { introduced: '1.0.0' });
    expect(isAffectedVersion('1.0.0', { ranges: [empty] })).toBe(false);
  });

  it('maps ecosystems to purls and reads Go import symbols', () => {
    const nodes = [
      node('s', 'pkg:npm/%40scope/pkg@1.0.0', 'render'),
      node('m', 'pkg:maven/org.acme/core@2.0.0', 'Parser.parse'),
      node('go', 'pkg:golang/golang.org/x/text@0.3.0', 'Parse'),
    ];
    const doc: OsvDocument = {
      vulns: [
        {
          id: 'GO-2022-1059',
          affected: [
            {
              package: { ecosystem: 'Go', name: 'golang.org/x/text' },
              ecosystem_specific: { imports: [{ path: 'golang.org/x/text/language', symbols: ['Parse'] }] },
            },
            {
              package: { ecosystem: 'npm', name: '@scope/pkg' },
              ecosystem_specific: { affected_functions: ['render'] },
            },
            {
              package: { ecosystem: 'Maven', name: 'org.acme:core' },
              ecosystem_specific: { affected_functions: ['Parser.parse'] },
            },
            {
              package: { ecosystem: 'SomethingElse', name: 'x' },
              ecosystem_specific: { affected_functions: ['f'] },
            },
          ],
        },
      ],
    };
    expect(sinksFromOsv(doc, nodes).sinks.map((s) => s.purl)).toEqual([
      'pkg:golang/golang.org/x/text@0.3.0',
      'pkg:npm/%40scope/pkg@1.0.0',
      'pkg:maven/org.acme/core@2.0.0',
    ]);
  });

  it('rejects malformed documents and sinks given twice as INPUT_INVALID', () => {
    const invalid = expect.objectContaining({ code: 'INPUT_INVALID' });
    const bad: unknown[] = [
      {},
      { vulns: 'x' },
      { vulns: [null] },
      { vulns: [{ id: 'not an id' }] },
      { vulns: [{ id: 'CVE-2024-0001', affected: {} }] },
      { vulns: [{ id: 'CVE-2024-0001', affected: [{ package: { purl: 'npm/x' } }] }] },
    ];
    for (const doc of bad) expect(() => sinksFromOsv(doc as OsvDocument, [])).toThrow(invalid);
    expect(() =>
      buildReachGraph({
        artifact: ARTIFACT,
        callgraph: { records },
        sinks: [],
        vulnerabilities: { vulns: [] },
      }),
    ).toThrow(invalid);
    expect(() => buildReachGraph({ artifact: ARTIFACT, callgraph: { records } })).toThrow(invalid);
  });
});
