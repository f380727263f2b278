import { readFileSync } from 'node:fs';
import { GraphError, isGraphError } from './error.js';
import { GRAPH_PACKAGE_VERSION } from './version.js';

describe('GraphError', () => {
  it('carries a stable code and the cause', () => {
    const cause = new Error('inner');
    const err = new GraphError({ code: 'QUERY_INVALID', message: 'bad depth', cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('GraphError');
    expect(err.code).toBe('QUERY_INVALID');
    expect(err.cause).toBe(cause);
    expect(isGraphError(err)).toBe(true);
    expect(isGraphError(err, 'QUERY_INVALID')).toBe(true);
    expect(isGraphError(err, 'GRAPH_INVALID')).toBe(false);
    expect(isGraphError(new Error('x'))).toBe(false);
  });
});

describe('GRAPH_PACKAGE_VERSION', () => {
  it('matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(GRAPH_PACKAGE_VERSION).toBe(pkg.version);
  });
});
