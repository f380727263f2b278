// Builds the console into dist/: one JS bundle and one stylesheet, both named by content hash (so the
// service can cache them forever), and index.html pointing at them (served with no-cache).
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('.', import.meta.url));
const dist = `${root}dist`;

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

const result = await build({
  absWorkingDir: root,
  entryPoints: { app: 'src/main.tsx' },
  outdir: 'dist',
  entryNames: '[name]-[hash]',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
});

const entry = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint === 'src/main.tsx');
if (!entry?.[1].cssBundle) throw new Error('esbuild produced no app bundle and stylesheet');
const script = basename(entry[0]);
const style = basename(entry[1].cssBundle);

const template = await readFile(`${root}src/index.html`, 'utf8');
const html = template.replace('%APP_SCRIPT%', `/ui/${script}`).replace('%APP_STYLE%', `/ui/${style}`);
if (html.includes('%APP_')) throw new Error('src/index.html has a placeholder build.mjs does not fill');
await writeFile(`${dist}/index.html`, html);
console.log(`console: dist/${script}, dist/${style}, dist/index.html`);
