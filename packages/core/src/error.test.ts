import { CoreError, isCoreError } from './error.js';

describe('CoreError', () => {
  it('carries a stable code and the cause', () => {
    const cause = new Error('inner');
    const err = new CoreError({ code: 'PURL_INVALID', message: 'bad purl', cause });
    expect(err.code).toBe('PURL_INVALID');
    expect(err.cause).toBe(cause);
    expect(isCoreError(err, 'PURL_INVALID')).toBe(true);
    expect(isCoreError(err, 'ULID_INVALID')).toBe(false);
    expect(isCoreError(new Error('x'))).toBe(false);
  });
});
