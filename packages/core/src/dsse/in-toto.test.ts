import { caught, vector, vectorJson } from './__tests__/fixtures.js';
import {
  createStatement,
  IN_TOTO_STATEMENT_V1,
  IN_TOTO_STATEMENT_V01,
  parseStatement,
  RUNTIME_FACTS_PREDICATE_TYPE,
  statementMatchesDigest,
} from './in-toto.js';

const SHA256 = 'a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf';

describe('parseStatement on the published examples', () => {
  it('parses the reference (SBOM for an image) v1 statement and matches its subject by digest', () => {
    const st = parseStatement(vectorJson('in-toto-attestation/reference-v0.1-sbom-for-image.statement.json'));
    expect(st._type).toBe(IN_TOTO_STATEMENT_V1);
    expect(st.predicateType).toBe('https://in-toto.io/attestation/reference/v0.1');
    expect(st.subject).toHaveLength(1);
    const sha = st.subject[0]?.digest.sha256;
    expect(sha).toBe('886a77e9b9c993e221d1843e3af5b1fbeea26d8962995e8562174a6aba0c7cc9');
    expect(statementMatchesDigest(st, { sha256: sha ?? '' })).toBe(true);
    expect(statementMatchesDigest(st, { sha256: SHA256 })).toBe(false);
    expect(statementMatchesDigest(st, { sha512: 'ab' })).toBe(false);
  });

  it('parses the test-result statement: a subject with no name and a gitCommit digest (from bytes)', () => {
    const bytes = new TextEncoder().encode(vector('in-toto-attestation/test-result-v0.1.statement.json'));
    const st = parseStatement(bytes);
    expect(st.subject).toEqual([{ digest: { gitCommit: 'd20ace7968ba43c0219f62d71334c1095bab1602' } }]);
    expect(st.predicate?.result).toBe('PASSED');
  });

  it('parses the v0.1 SLSA provenance statement from sigstore-js 1.3.0 (as text)', () => {
    const st = parseStatement(
      vector('sigstore/sigstore-go/examples/statement-provenance-sigstorejs1.3.0.json'),
    );
    expect(st._type).toBe(IN_TOTO_STATEMENT_V01);
    expect(st.predicateType).toBe('https://slsa.dev/provenance/v0.2');
    expect(st.subject[0]?.name).toBe('pkg:npm/sigstore@1.3.0');
  });
});

describe('createStatement', () => {
  it('builds a v1 statement that parseStatement accepts', () => {
    const st = createStatement(
      [{ name: 'batch', digest: { sha256: SHA256 } }, { digest: { blake3: 'abc' } }],
      RUNTIME_FACTS_PREDICATE_TYPE,
      { facts: 3 },
    );
    expect(st).toEqual({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'batch', digest: { sha256: SHA256 } }, { digest: { blake3: 'abc' } }],
      predicateType: 'https://stella.ops/attestation/runtime-facts/v1',
      predicate: { facts: 3 },
    });
    expect(parseStatement(JSON.stringify(st))).toEqual(st);
  });

  it.each<[string, unknown[]]>([
    ['no subjects', []],
    ['an empty digest', [{ name: 'x', digest: {} }]],
    ['a missing digest', [{ name: 'x' }]],
    ['an empty digest value', [{ digest: { sha256: '' } }]],
    ['a short sha256', [{ digest: { sha256: 'abc' } }]],
    ['an upper-case sha256', [{ digest: { sha256: SHA256.toUpperCase() } }]],
    ['a numeric name', [{ name: 1, digest: { sha256: SHA256 } }]],
  ])('rejects %s with IN_TOTO_STATEMENT_INVALID', async (_what, subjects) => {
    const err = await caught(() => createStatement(subjects as never, RUNTIME_FACTS_PREDICATE_TYPE, {}));
    expect(err.code).toBe('IN_TOTO_STATEMENT_INVALID');
  });

  it('rejects an empty predicateType and a non-object predicate', async () => {
    const subjects = [{ digest: { sha256: SHA256 } }];
    expect((await caught(() => createStatement(subjects, '', {}))).code).toBe('IN_TOTO_STATEMENT_INVALID');
    expect((await caught(() => createStatement(subjects, 't', [] as never))).code).toBe(
      'IN_TOTO_STATEMENT_INVALID',
    );
  });
});

describe('parseStatement rejects', () => {
  const ok = { _type: IN_TOTO_STATEMENT_V1, subject: [{ digest: { sha256: SHA256 } }], predicateType: 't' };

  it('accepts the minimal statement (predicate is optional in v1)', () => {
    expect(parseStatement(ok)).toEqual(ok);
  });

  it.each<[string, unknown]>([
    ['not JSON', '{'],
    ['invalid UTF-8 bytes', new Uint8Array([0x7b, 0xff, 0x7d])],
    ['an array', [ok]],
    ['an unknown _type', { ...ok, _type: 'https://in-toto.io/Statement/v2' }],
    ['a missing _type', { subject: ok.subject, predicateType: 't' }],
    ['no subject', { ...ok, subject: [] }],
    ['a subject without digest', { ...ok, subject: [{ name: 'x' }] }],
    ['a missing predicateType', { _type: IN_TOTO_STATEMENT_V1, subject: ok.subject }],
    ['a string predicate', { ...ok, predicate: 'x' }],
  ])('%s', async (_what, input) => {
    expect((await caught(() => parseStatement(input))).code).toBe('IN_TOTO_STATEMENT_INVALID');
  });
});
