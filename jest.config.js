/**
 * One jest run across the workspace. TypeScript is compiled by @swc/jest to native ESM
 * (jest runs with --experimental-vm-modules), so `import.meta` works in tests as in production.
 * Workspace packages resolve to their sources, so tests never depend on a stale `dist/`.
 * @type {import('jest').Config}
 */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['**/?(*.)test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.data/'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'es6' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleNameMapper: {
    '^@stella-ops/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.cjs'],
  testTimeout: 60_000,
};
