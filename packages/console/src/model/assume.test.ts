import fc from 'fast-check';
import { assumeText, MAX_ASSUMPTIONS, normalizeAssume } from './assume.js';

describe('assumptions typed into the search form', () => {
  it('sorts the pairs by key and drops the spaces, so one set of assumptions has one permalink', () => {
    expect(normalizeAssume(' os = linux , FEATURE_X=disabled')).toEqual({
      ok: true,
      text: 'FEATURE_X=disabled,os=linux',
    });
    expect(normalizeAssume('CUSTOM_REPORTS=enabled')).toEqual({ ok: true, text: 'CUSTOM_REPORTS=enabled' });
  });

  it('reads blank as no assumption', () => {
    expect(normalizeAssume('')).toEqual({ ok: true, text: '' });
    expect(normalizeAssume('   ')).toEqual({ ok: true, text: '' });
  });

  it('refuses what the slice API answers 400 ASSUME_INVALID for, saying why', () => {
    const error = (raw: string) => {
      const r = normalizeAssume(raw);
      return r.ok ? undefined : r.error;
    };
    expect(error('os')).toBe('“os” is not KEY=VALUE.');
    expect(error('os=linux,')).toBe('“” is not KEY=VALUE.');
    expect(error('1os=linux')).toContain('is not an assumption key');
    expect(error('=linux')).toContain('is not an assumption key');
    expect(error('os=')).toBe('The value of os must be 1–256 characters without , or =.');
    expect(error('os=a=b')).toBe('The value of os must be 1–256 characters without , or =.');
    expect(error(`os=${'x'.repeat(257)}`)).toContain('1–256 characters');
    expect(error('os=linux,os=darwin')).toBe('os is assumed twice.');
    const many = Array.from({ length: MAX_ASSUMPTIONS + 1 }, (_, i) => `K${i}=v`).join(',');
    expect(error(many)).toBe('At most 64 assumptions.');
    expect(normalizeAssume(many.split(',').slice(1).join(',')).ok).toBe(true);
  });

  it('writes a slice query’s assumptions in the same normal form', () => {
    expect(assumeText(undefined)).toBe('');
    expect(assumeText({})).toBe('');
    expect(assumeText({ os: 'linux', FEATURE_X: 'disabled' })).toBe('FEATURE_X=disabled,os=linux');
  });

  it('normalizes idempotently, in any order of the pairs, to what assumeText writes (property)', () => {
    const key = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,12}$/);
    const value = fc.stringMatching(/^[^,=\s][^,=]{0,10}$/).filter((v) => v.trim() === v);
    const pairs = fc.uniqueArray(fc.tuple(key, value), { selector: (p) => p[0], minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(pairs, fc.boolean(), (ps, spaced) => {
        const raw = ps.map(([k, v]) => (spaced ? ` ${k} = ${v} ` : `${k}=${v}`)).join(',');
        const first = normalizeAssume(raw);
        expect(first.ok).toBe(true);
        if (!first.ok) return;
        expect(normalizeAssume(first.text)).toEqual(first);
        expect(
          normalizeAssume(
            [...ps]
              .reverse()
              .map(([k, v]) => `${k}=${v}`)
              .join(','),
          ),
        ).toEqual(first);
        expect(first.text).toBe(assumeText(Object.fromEntries(ps)));
      }),
    );
  });
});
