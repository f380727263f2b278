// Test-only ESM loader hooks: lets a worker thread started from jest run the service's TypeScript
// sources (jest's own transform does not reach worker threads). `@stella-ops/*` resolve to the
// packages' sources, `./x.js` to `./x.ts`, and TypeScript is compiled by @swc/core as jest does.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transformSync } from '@swc/core';

const ROOT = new URL('../../../../', import.meta.url);

export async function resolve(specifier, context, next) {
  const pkg = /^@stella-ops\/([a-z-]+)$/.exec(specifier);
  if (pkg) return { url: new URL(`packages/${pkg[1]}/src/index.ts`, ROOT).href, shortCircuit: true };
  if (/^\.\.?\//.test(specifier) && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
    const ts = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
    if (existsSync(ts)) return { url: ts.href, shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const source = await readFile(new URL(url), 'utf8');
  const { code } = transformSync(source, {
    filename: fileURLToPath(url),
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'es6' },
  });
  return { format: 'module', source: code, shortCircuit: true };
}
