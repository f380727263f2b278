import { negotiateEncoding } from '../api/encoding.js';

describe('negotiateEncoding', () => {
  it.each([
    [undefined, 'identity'],
    ['', 'identity'],
    ['gzip', 'gzip'],
    ['gzip, deflate, br, zstd', 'zstd'],
    ['zstd;q=0.5, gzip', 'gzip'],
    ['zstd;q=0, gzip;q=0', 'identity'],
    ['*', 'zstd'],
    ['br', 'identity'],
    ['identity;q=0, gzip;q=0.1', 'gzip'],
    ['GZIP;Q=1', 'gzip'],
  ])('Accept-Encoding %p → %s', (header, expected) => {
    expect(negotiateEncoding(header)).toBe(expected);
  });
});
