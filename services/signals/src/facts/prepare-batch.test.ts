import { isPreparedBlob, zstdDecompress } from '@stella-ops/cas';
import { canonicalize, sha256 } from '@stella-ops/core';
import { type BatchInput, prepareBatch } from './prepare-batch.js';

const CALLGRAPH = '01JF0000000000000000000000';

/**
 * A deterministic upload exercising everything the stored form depends on: every member, members
 * in varied order, call facts next to invocations of the same symbol, facts without codeId,
 * non-ASCII and escaped characters, duplicates to merge (hit sums, earliest observation, ties),
 * CRLF line ends and blank lines.
 */
function pinnedUpload(): string {
  const lines: string[] = [];
  const symbols = ['app:src/a.js#main', 'app:src/b.js#é', 'lib@1#\u{1F600}', 'lib@1#q"uote\\', 'x\u0001y'];
  for (let i = 0; i < 600; i++) {
    const symbolId = `${symbols[i % symbols.length]}${i % 7}`;
    const fact: Record<string, unknown> = {
      symbolId,
      hitCount: 1 + ((i * 37) % 1000),
      observedAt: `2026-11-20T10:${String(i % 60).padStart(2, '0')}:0${i % 10}${i % 3 === 0 ? '.5' : ''}Z`,
      factType: ['invocation', 'load', 'call'][i % 3],
    };
    if (i % 3 === 2) fact['callerSymbolId'] = `${symbols[(i + 1) % symbols.length]}${i % 4}`;
    if (i % 5 !== 0) fact['codeId'] = `sha256:${String(i % 4).repeat(64)}`;
    if (i % 2 === 0) fact['purl'] = 'pkg:npm/%40acme/orders-api@1.4.2';
    if (i % 4 !== 1) fact['host'] = `node-${i % 3}`;
    if (i % 6 === 0) fact['process'] = 'node src/server.js';
    if (i % 8 === 0) fact['containerId'] = `c-${i % 5}`;
    // Members in reverse order every other line: order must not matter.
    const text = JSON.stringify(i % 2 === 0 ? fact : Object.fromEntries(Object.entries(fact).reverse()));
    lines.push(i % 50 === 7 ? `${text}\r` : text);
    if (i % 97 === 0) lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

function ndjsonInput(text: string): BatchInput {
  return { body: Buffer.from(text, 'utf8'), kind: 'ndjson', target: { callgraphId: CALLGRAPH, source: 's' } };
}

describe('prepareBatch', () => {
  // Pinned before the ingest path was optimized: the stored bytes (and so every provenanceHash
  // already recorded) must not change.
  it('stores the pinned upload as the same canonical NDJSON and provenanceHash', () => {
    const batch = prepareBatch(ndjsonInput(pinnedUpload()));
    expect(batch.factCount).toBe(PINNED.factCount);
    expect(batch.merged).toBe(PINNED.merged);
    expect(batch.factTypes).toEqual(['call', 'invocation', 'load']);
    expect(batch.typeCounts).toEqual(PINNED.typeCounts);
    expect(batch.provenanceHash).toBe(PINNED.provenanceHash);
    // The blob the store gets: that digest and size, and the NDJSON zstd-compressed.
    const blob = batch.blob;
    if (!isPreparedBlob(blob)) throw new Error('expected a prepared blob');
    const canonical = zstdDecompress(blob.stored);
    expect(sha256(canonical)).toBe(PINNED.provenanceHash);
    expect(blob).toMatchObject({
      kind: 'prepared',
      digest: PINNED.provenanceHash,
      size: canonical.length,
      encoding: 'zstd',
    });
  });

  it('leaves compression to the blob store when asked (the request-thread preparer)', () => {
    const plain = prepareBatch({ ...ndjsonInput(pinnedUpload()), compress: false });
    expect(Buffer.isBuffer(plain.blob)).toBe(true);
    expect(sha256(plain.blob as Buffer)).toBe(PINNED.provenanceHash);
    expect(plain.stages['compress']).toBeUndefined();
  });

  it('gives the JSON form of the same facts the same bytes as the NDJSON form', () => {
    const facts = pinnedUpload()
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as unknown);
    const json = prepareBatch({
      body: Buffer.from(canonicalize({ callgraphId: CALLGRAPH, source: 's', facts })),
      kind: 'json',
    });
    expect(json.provenanceHash).toBe(PINNED.provenanceHash);
  });
});

const PINNED = {
  factCount: 378,
  merged: 222,
  typeCounts: { call: 140, invocation: 119, load: 119 },
  provenanceHash: 'sha256:968a54b26cba713b25c9044498496e4422a81e1544d94c2c43eb859a86f4e9ad',
};
