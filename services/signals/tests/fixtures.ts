import type { RuntimeFact } from '@stella-ops/core';

/** NDJSON text of records, one per line. */
export function ndjson(records: unknown[]): string {
  return `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;
}

export const HEADER = {
  type: 'header',
  schemaVersion: 'stella.callgraph@v1',
  language: 'javascript',
  source: 'stella-callgraph-node',
  componentPurl: 'pkg:npm/%40acme/backend@1.2.3',
  entryPoints: ['src/index.js'],
};

/** A small valid call graph: `n` functions in a chain, the first an entry point. */
export function callgraphRecords(n = 4, header: Record<string, unknown> = {}): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [{ ...HEADER, ...header }];
  for (let i = 0; i < n; i++) {
    records.push({
      type: 'node',
      id: `n${i}`,
      kind: 'function',
      symbol: `fn${i}`,
      file: 'src/index.js',
      line: i + 1,
      ...(i === 0 ? { isEntrypoint: true } : {}),
    });
  }
  for (let i = 0; i + 1 < n; i++) records.push({ type: 'edge', from: `n${i}`, to: `n${i + 1}` });
  return records;
}

/** A runtime fact (valid by default). */
export function fact(i: number, over: Partial<RuntimeFact> = {}): RuntimeFact {
  return {
    symbolId: `n${i}`,
    codeId: `build-${i % 3}`,
    purl: 'pkg:npm/%40acme/backend@1.2.3',
    process: 'node',
    host: 'web-1',
    hitCount: 1 + (i % 5),
    observedAt: `2025-12-19T10:00:${String(i % 60).padStart(2, '0')}Z`,
    factType: 'invocation',
    ...over,
  };
}
