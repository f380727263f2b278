import { gunzipSync } from 'node:zlib';
import { answerViolations, CaseLedger, compressionBomb, deepJson, leaksIn } from '../hostile.js';

const KNOWN = new Set(['DIGEST_INVALID']);
const problem = (body: Record<string, unknown>, status = 400, type = 'application/problem+json') => ({
  status,
  headers: { 'content-type': type },
  text: JSON.stringify(body),
});
const good = {
  type: 'https://stella-ops.org/problems/digest-invalid',
  title: 'Bad request',
  status: 400,
  code: 'DIGEST_INVALID',
};

describe('answerViolations (the fuzz oracle)', () => {
  it('accepts a conforming problem and any non-error answer', () => {
    expect(answerViolations(problem(good), KNOWN)).toEqual([]);
    expect(
      answerViolations(
        { status: 200, headers: { 'content-type': 'application/x-ndjson' }, text: 'x' },
        KNOWN,
      ),
    ).toEqual([]);
  });

  it('flags 5xx, other media types, unknown codes, a status mismatch and non-conforming bodies', () => {
    expect(answerViolations(problem({ ...good, status: 500, code: 'INTERNAL' }, 500), KNOWN)).toEqual([
      'status 500',
      'unknown code INTERNAL',
    ]);
    expect(answerViolations(problem(good, 400, 'text/html'), KNOWN)).toEqual(['content-type text/html']);
    expect(answerViolations(problem(good, 404), KNOWN)).toEqual(['body status 400 ≠ 404']);
    expect(answerViolations(problem({ ...good, instance: '/a/%E0%A4%A' }), KNOWN)[0]).toMatch(
      /^not problem@v1/,
    );
    expect(answerViolations({ status: 400, headers: {}, text: 'Bad Request' }, KNOWN)).toEqual([
      'content-type (none)',
      'body is not JSON',
    ]);
  });

  it('flags leaked internals but not the client’s own input quoted back', () => {
    const leak = problem({ ...good, detail: 'TypeError: x\n    at f (/work/main/src/a.ts:3:1)' });
    expect(answerViolations(leak, KNOWN)).toEqual([
      'leaks stack frame',
      'leaks source path',
      'leaks runtime',
    ]);
    const sql = "' UNION SELECT digest FROM callgraphs --";
    const quoted = problem({ ...good, detail: `digest is not valid: "${sql.slice(0, 20)}…"` });
    expect(answerViolations(quoted, KNOWN, [sql])).toEqual([]);
    expect(answerViolations(problem({ ...good, detail: 'syntax error at or near "FROM"' }), KNOWN)).toEqual([
      'leaks SQL',
    ]);
    expect(leaksIn('relation "signals.callgraphs" does not exist')).toEqual(['SQL']);
  });
});

describe('hostile inputs', () => {
  it('builds a gzip bomb of the asked decompressed size from ~1 KiB per 16 MiB', () => {
    const bomb = compressionBomb('gzip', 32);
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect(gunzipSync(bomb).length).toBe(32 * 1024 * 1024);
  });

  it('nests JSON as deep as asked', () => {
    let v: unknown = JSON.parse(deepJson(10_000));
    let depth = 0;
    while (Array.isArray(v)) {
      v = v[0];
      depth++;
    }
    expect([depth, v]).toEqual([10_000, 1]);
  });

  it('counts cases per endpoint into a Markdown table', () => {
    const ledger = new CaseLedger();
    ledger.plan('GET /x', 2);
    ledger.record('GET /x', 400, 'DIGEST_INVALID');
    ledger.record('GET /x', 200);
    expect(ledger.total).toBe(2);
    expect(ledger.table()).toContain('| GET /x | 2 | 2 | 200 ×1, 400 DIGEST_INVALID ×1 |');
  });
});
