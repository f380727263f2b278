#!/usr/bin/env node
// Generates from schemas/*.schema.json:
//  - packages/core/src/schema/registry.generated.ts: every schema as data (core does no I/O);
//  - packages/core/src/schema/types.generated.ts: a TypeScript type for every schema and shared
//    definition, so the types cannot drift from the schemas (a test re-runs this and compares).
// `--check` exits 1 when the committed files differ from what the schemas produce.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSchemaArtifacts } from './schema-artifacts.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemaDir = join(root, 'schemas');
const outDir = join(root, 'packages/core/src/schema');
const files = readdirSync(schemaDir)
  .filter((f) => f.endsWith('.schema.json'))
  .sort();
const schemas = files.map((f) => ({ file: f, schema: JSON.parse(readFileSync(join(schemaDir, f), 'utf8')) }));
const artifacts = await generateSchemaArtifacts(schemas);

let stale = false;
for (const [name, text] of Object.entries(artifacts)) {
  const path = join(outDir, name);
  let current = '';
  try {
    current = readFileSync(path, 'utf8');
  } catch {}
  if (current === text) continue;
  if (process.argv.includes('--check')) {
    console.error(`${path} is out of date: run \`pnpm gen:schemas\``);
    stale = true;
  } else {
    writeFileSync(path, text);
    console.log(`wrote ${path}`);
  }
}
process.exit(stale ? 1 : 0);
