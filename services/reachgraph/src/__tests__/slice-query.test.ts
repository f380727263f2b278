import { HttpProblem } from '@stella-ops/service-kit';
import { globProblem, makeCursor, parseSliceRequest } from '../slice/query.js';

const LIMITS = { defaultLimit: 100, maxLimit: 1000, answer: { maxNodes: 50_000, maxPaths: 1000 } };

function codeOf(params: Record<string, unknown>): string | undefined {
  try {
    parseSliceRequest(params, LIMITS);
    return undefined;
  } catch (err) {
    if (err instanceof HttpProblem) return err.code;
    throw err;
  }
}

describe('parseSliceRequest', () => {
  it('normalises each slice type with its defaults', () => {
    expect(parseSliceRequest({ q: 'pkg:npm/lodash@*' }, LIMITS).query).toEqual({
      type: 'package',
      purl: 'pkg:npm/lodash@*',
      depth: 1,
      direction: 'both',
    });
    expect(parseSliceRequest({ cve: 'CVE-2024-1234' }, LIMITS).query).toEqual({
      type: 'cve',
      cve: 'CVE-2024-1234',
    });
    expect(parseSliceRequest({ entrypoint: 'main', sinksOnly: 'false' }, LIMITS).query).toEqual({
      type: 'entrypoint',
      entrypoint: 'main',
      depth: 10,
    });
    expect(parseSliceRequest({ entrypoint: 'main', sinksOnly: 'true' }, LIMITS).query).toEqual({
      type: 'entrypoint',
      entrypoint: 'main',
      depth: 10,
      sinksOnly: true,
    });
    expect(parseSliceRequest({ file: 'src/**/*.ts', observed: 'only' }, LIMITS).query).toEqual({
      type: 'file',
      file: 'src/**/*.ts',
      observed: 'only',
    });
  });

  it('reads ?assume into the query sorted by key; order and blanks do not change the cache key', () => {
    const a = parseSliceRequest({ cve: 'CVE-2024-1234', assume: 'os=linux,FEATURE_X=disabled' }, LIMITS);
    expect(JSON.stringify(a.query)).toBe(
      '{"type":"cve","cve":"CVE-2024-1234","assume":{"FEATURE_X":"disabled","os":"linux"}}',
    );
    const b = parseSliceRequest({ cve: 'CVE-2024-1234', assume: ' FEATURE_X = disabled , os=linux' }, LIMITS);
    expect(b.cacheKey).toBe(a.cacheKey);
    const plain = parseSliceRequest({ cve: 'CVE-2024-1234' }, LIMITS);
    expect(parseSliceRequest({ cve: 'CVE-2024-1234', assume: ' ' }, LIMITS).cacheKey).toBe(plain.cacheKey);
    expect(a.cacheKey).not.toBe(plain.cacheKey);
    expect(
      parseSliceRequest({ cve: 'CVE-2024-1234', assume: 'os=windows,FEATURE_X=disabled' }, LIMITS).cacheKey,
    ).not.toBe(a.cacheKey);
    for (const selector of [{ q: 'pkg:npm/a' }, { entrypoint: 'main' }, { file: 'src/**' }]) {
      expect(parseSliceRequest({ ...selector, assume: 'os=linux' }, LIMITS).query.assume).toEqual({
        os: 'linux',
      });
    }
  });

  it.each([
    'os',
    'os=',
    '=linux',
    '9os=linux',
    'os=linux,os=linux',
    'os=a=b',
    'os=linux,,arch=x64',
    ['os=linux', 'arch=x64'],
  ])('?assume=%j → ASSUME_INVALID', (assume) => {
    expect(codeOf({ cve: 'CVE-2024-1234', assume })).toBe('ASSUME_INVALID');
  });

  it('gives equal questions equal cache keys (defaults spelled out or not) and pages their own keys', () => {
    const a = parseSliceRequest({ q: 'pkg:npm/lodash' }, LIMITS);
    const b = parseSliceRequest({ direction: 'both', depth: '1', q: 'pkg:npm/lodash', limit: '100' }, LIMITS);
    expect(b.cacheKey).toBe(a.cacheKey);
    expect(b.queryHash).toBe(a.queryHash);
    const page2 = parseSliceRequest({ q: 'pkg:npm/lodash', cursor: makeCursor(a.queryHash, 100) }, LIMITS);
    expect(page2.offset).toBe(100);
    expect(page2.cacheKey).not.toBe(a.cacheKey);
    expect(parseSliceRequest({ q: 'pkg:npm/lodash', depth: '2' }, LIMITS).cacheKey).not.toBe(a.cacheKey);
    expect(a.cacheKey).toMatch(/^[a-f0-9]{64}$/);
    // An answer computed under other engine limits is another answer.
    for (const answer of [
      { maxNodes: 50_000, maxPaths: 999 },
      { maxNodes: 49_999, maxPaths: 1000 },
    ]) {
      expect(parseSliceRequest({ q: 'pkg:npm/lodash' }, { ...LIMITS, answer }).cacheKey).not.toBe(a.cacheKey);
    }
  });

  it.each([
    [{}, 'QUERY_INVALID'],
    [{ q: 'pkg:npm/a', cve: 'CVE-2024-1234' }, 'QUERY_INVALID'],
    [{ cve: ['CVE-2024-1234', 'CVE-2024-1235'] }, 'QUERY_INVALID'],
    [{ cve: 'CVE-2024-1234', direction: 'up' }, 'QUERY_INVALID'],
    [{ q: 'pkg:npm/a', direction: 'sideways' }, 'QUERY_INVALID'],
    [{ q: 'pkg:npm/a', sinksOnly: 'true' }, 'QUERY_INVALID'],
    [{ entrypoint: 'main', sinksOnly: 'yes' }, 'QUERY_INVALID'],
    [{ file: '*.js', observed: 'sometimes' }, 'QUERY_INVALID'],
    [{ q: 'pkg:npm/a', page: '2' }, 'QUERY_INVALID'],
    [{ q: 'pkg:npm/a', depth: '11' }, 'DEPTH_OUT_OF_RANGE'],
    [{ q: 'pkg:npm/a', depth: '-1' }, 'DEPTH_OUT_OF_RANGE'],
    [{ q: 'pkg:npm/a', depth: '1.5' }, 'DEPTH_OUT_OF_RANGE'],
    [{ q: 'lodash' }, 'PURL_INVALID'],
    [{ cve: 'cve 2024 1' }, 'CVE_INVALID'],
    [{ file: '' }, 'GLOB_INVALID'],
    [{ file: 'src/[a-z' }, 'GLOB_INVALID'],
    [{ q: 'pkg:npm/a', limit: '0' }, 'LIMIT_OUT_OF_RANGE'],
    [{ q: 'pkg:npm/a', limit: '1001' }, 'LIMIT_OUT_OF_RANGE'],
    [{ q: 'pkg:npm/a', cursor: 'garbage' }, 'CURSOR_INVALID'],
    [{ q: 'pkg:npm/a', cursor: makeCursor('f'.repeat(64), 5) }, 'CURSOR_INVALID'],
  ])('%p → %s', (params, code) => {
    expect(codeOf(params)).toBe(code);
  });
});

describe('globProblem', () => {
  it.each([
    ['src/**/*.ts', undefined],
    ['src/{a,b}/[a-z]*.js', undefined],
    ['src/\\[literal.js', undefined],
    ['src/{a,b.js', 'unclosed {'],
    ['src/a].js', 'unbalanced ]'],
    ['src/(a.js', 'unclosed ('],
  ])('%s → %p', (glob, problem) => {
    expect(globProblem(glob)).toBe(problem);
  });
});
