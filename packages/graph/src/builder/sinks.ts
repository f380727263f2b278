import type { CallgraphNodeRecord, VulnerableSink } from '@stella-ops/core';
import { fail } from '../error.js';
import { purlMatcher } from '../purl/purl-matcher.js';
import { VULNERABILITY_ID } from '../slice/check-query.js';

/** Sinks placed on nodes: the CVEs each node carries, and the sinks that matched nothing. */
export interface PlacedSinks {
  /** Node id → CVEs (sorted, unique). */
  cves: Map<string, string[]>;
  unmatched: VulnerableSink[];
}

/** The sink list sorted by (cve, purl, symbol) without duplicates; malformed sinks are INPUT_INVALID. */
export function sortSinks(sinks: readonly VulnerableSink[]): VulnerableSink[] {
  if (!Array.isArray(sinks)) fail('INPUT_INVALID', 'sinks must be an array');
  const out = sinks.map((s, i) => {
    if (s === null || typeof s !== 'object') fail('INPUT_INVALID', `sinks[${i}] is not an object`);
    if (typeof s.cve !== 'string' || !VULNERABILITY_ID.test(s.cve))
      fail('INPUT_INVALID', `sinks[${i}].cve is invalid`);
    if (typeof s.purl !== 'string' || typeof s.symbol !== 'string' || s.symbol === '') {
      fail('INPUT_INVALID', `sinks[${i}] needs purl and symbol`);
    }
    return { cve: s.cve, purl: s.purl, symbol: s.symbol };
  });
  const key = (s: VulnerableSink) => `${s.cve}\u0000${s.purl}\u0000${s.symbol}`;
  out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return out.filter((s, i) => i === 0 || key(s) !== key(out[i - 1] as VulnerableSink));
}

/**
 * Places each sink on the nodes whose symbol equals its symbol and whose purl matches its purl:
 * the same purl, or — when the sink's purl has no version — any version of the package.
 */
export function placeSinks(
  sinks: readonly VulnerableSink[],
  nodes: Iterable<CallgraphNodeRecord>,
): PlacedSinks {
  const bySymbol = new Map<string, CallgraphNodeRecord[]>();
  for (const n of nodes) {
    if (n.symbol === undefined || n.purl === undefined) continue;
    const list = bySymbol.get(n.symbol);
    if (list) list.push(n);
    else bySymbol.set(n.symbol, [n]);
  }
  const cves = new Map<string, string[]>();
  const unmatched: VulnerableSink[] = [];
  for (const sink of sinks) {
    const matches = purlMatcher(sink.purl, 'INPUT_INVALID');
    let hit = false;
    for (const n of bySymbol.get(sink.symbol) ?? []) {
      if (!matches(n.purl as string)) continue;
      hit = true;
      const list = cves.get(n.id) ?? [];
      if (!list.includes(sink.cve)) list.push(sink.cve);
      cves.set(n.id, list);
    }
    if (!hit) unmatched.push(sink);
  }
  for (const list of cves.values()) list.sort();
  return { cves, unmatched };
}
