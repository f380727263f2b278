import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ReachGraph, reachGraphDigest, validate } from '@stella-ops/core';
import { type RunningServices, startServices } from '../../client/tests/services.js';
import { errorOf, SLOW, stella } from './run-stella.js';

const EXAMPLE = new URL(
  '../../../schemas/examples/reachgraph-min.v1/valid-express-lodash.json',
  import.meta.url,
);

let svc: RunningServices;
let dir: string;
let env: Record<string, string>;
let base: string;
let head: string;
let guarded: string;
const files = { base: '', head: '', guarded: '' };

/** The example graph, and the same graph after a change that makes the server call lodash.zipObjectDeep. */
async function graphs(): Promise<{ baseGraph: ReachGraph; headGraph: ReachGraph; guardedGraph: ReachGraph }> {
  const baseGraph = JSON.parse(await readFile(EXAMPLE, 'utf8')) as ReachGraph;
  const headGraph = structuredClone(baseGraph);
  headGraph.nodes.push({
    id: 'lodash:zipObjectDeep',
    kind: 'function',
    purl: 'pkg:npm/lodash@4.17.20',
    file: 'node_modules/lodash/lodash.js',
    isSink: true,
    cves: ['CVE-2020-8203'],
  });
  const guardedGraph = structuredClone(headGraph);
  headGraph.edges.push({
    from: 'src/server.js:main',
    to: 'lodash:zipObjectDeep',
    why: { type: 'DirectCall' },
  });
  guardedGraph.edges.push({
    from: 'src/server.js:main',
    to: 'lodash:zipObjectDeep',
    why: { type: 'FeatureFlag', guard: 'ZIP=enabled' },
  });
  return { baseGraph, headGraph, guardedGraph };
}

beforeAll(async () => {
  svc = await startServices('cli_diff');
  dir = await mkdtemp(join(tmpdir(), 'stella-cli-diff-'));
  env = { STELLA_REACHGRAPH_URL: svc.reachgraphUrl, STELLA_TOKEN: await svc.reachgraphToken() };
  const { baseGraph, headGraph, guardedGraph } = await graphs();
  files.base = join(dir, 'base.json');
  files.head = join(dir, 'head.json');
  files.guarded = join(dir, 'guarded.json');
  await writeFile(files.base, JSON.stringify(baseGraph));
  await writeFile(files.head, JSON.stringify(headGraph));
  await writeFile(files.guarded, JSON.stringify(guardedGraph));
  guarded = await reachGraphDigest(guardedGraph);
  for (const f of [files.base, files.head, files.guarded]) {
    const run = await stella(['reachgraph', 'upsert', f, '--json'], { env });
    expect(run.code).toBe(0);
  }
  [base, head] = await Promise.all([reachGraphDigest(baseGraph), reachGraphDigest(headGraph)]);
}, SLOW);
afterAll(async () => {
  await svc.stop();
  await rm(dir, { recursive: true, force: true });
});

const NEW_SINK = '+ newly reachable: lodash:zipObjectDeep via src/server.js:main → lodash:zipObjectDeep';

describe('stella reachgraph diff against the running service', () => {
  it(
    'exits 1 when a sink is newly reachable, naming it with the route that reaches it',
    async () => {
      const run = await stella(['reachgraph', 'diff', head, base, '--cve', 'CVE-2020-8203'], { env });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('CVE-2020-8203: unknown → reachable');
      expect(run.stdout).toContain(NEW_SINK);
      expect(run.stdout).toContain('paths: +1 -0');
      expect(run.stderr).toContain(
        'stella: NEWLY_REACHABLE: 1 sink(s) newly reachable: lodash:zipObjectDeep',
      );
    },
    SLOW,
  );

  it(
    'prints the reachgraph.diff@v1 document with --json, and the failure as JSON on stderr',
    async () => {
      const run = await stella(['reachgraph', 'diff', head, base, '--cve', 'CVE-2020-8203', '--json'], {
        env,
      });
      expect(run.code).toBe(1);
      const diff = validate('reachgraph.diff@v1', JSON.parse(run.stdout));
      expect(diff.sinks.newlyReachable).toEqual(['lodash:zipObjectDeep']);
      expect([diff.digest, diff.baseDigest]).toEqual([head, base]);
      expect(errorOf(run)).toMatchObject({ code: 'NEWLY_REACHABLE', exitCode: 1 });
    },
    SLOW,
  );

  it(
    'exits 0 when a sink is only no longer reachable, or nothing changed',
    async () => {
      const gone = await stella(['reachgraph', 'diff', base, head, '--cve', 'CVE-2020-8203'], { env });
      expect(gone.code).toBe(0);
      expect(gone.stdout).toContain(
        '- no longer reachable: lodash:zipObjectDeep was via src/server.js:main → lodash:zipObjectDeep',
      );
      const same = await stella(['reachgraph', 'diff', head, base, '--file', 'src/**'], { env });
      expect(same.code).toBe(0);
      expect(same.stdout).toContain('no sink changed');
      expect(gone.stderr + same.stderr).toBe('');
    },
    SLOW,
  );

  it(
    '--fail-on none reports without failing',
    async () => {
      const run = await stella(
        ['reachgraph', 'diff', head, base, '--cve', 'CVE-2020-8203', '--fail-on', 'none'],
        {
          env,
        },
      );
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(NEW_SINK);
    },
    SLOW,
  );

  it(
    'exits 4 for a graph the service does not have, 2 for a malformed command line',
    async () => {
      const missing = `blake3:${'0'.repeat(64)}`;
      const notFound = await stella(
        ['reachgraph', 'diff', missing, base, '--cve', 'CVE-2020-8203', '--json'],
        { env },
      );
      expect(notFound.code).toBe(4);
      expect(errorOf(notFound)).toMatchObject({ code: 'GRAPH_NOT_FOUND', status: 404 });
      for (const args of [
        [head, base],
        [head, base, '--cve', 'CVE-2020-8203', '--file', 'src/**'],
        [head, 'blake3:XYZ', '--cve', 'CVE-2020-8203'],
        [head, '--cve', 'CVE-2020-8203'],
        [head, base, '--cve', 'CVE-2020-8203', '--fail-on', 'sometimes'],
        [head, base, '--cve', 'CVE-2020-8203', '--graph', files.head, '--base-graph', files.base],
      ]) {
        const run = await stella(['reachgraph', 'diff', ...args], { env });
        expect({ args, code: run.code }).toEqual({ args, code: 2 });
      }
    },
    SLOW,
  );
});

describe('stella reachgraph diff with conditions', () => {
  const GATED =
    '~ newly gated: lodash:zipObjectDeep via src/server.js:main → lodash:zipObjectDeep  [only if ZIP=enabled]';

  it(
    'passes a sink that is newly reachable only behind a feature flag, unless --fail-on gated',
    async () => {
      const run = await stella(['reachgraph', 'diff', guarded, base, '--cve', 'CVE-2020-8203'], { env });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('CVE-2020-8203: unknown → gated');
      expect(run.stdout).toContain(GATED);
      const strict = await stella(
        ['reachgraph', 'diff', guarded, base, '--cve', 'CVE-2020-8203', '--fail-on', 'gated'],
        { env },
      );
      expect(strict.code).toBe(1);
      expect(strict.stderr).toContain(
        'NEWLY_REACHABLE: 1 sink(s) newly reachable or gated: lodash:zipObjectDeep',
      );
    },
    SLOW,
  );

  it(
    'fails with --assume that turns the flag on, online and offline alike; a malformed --assume is a usage error',
    async () => {
      const args = ['--cve', 'CVE-2020-8203', '--assume', 'ZIP=enabled', '--json'];
      const online = await stella(['reachgraph', 'diff', guarded, base, ...args], { env });
      const offline = await stella([
        'reachgraph',
        'diff',
        '--graph',
        files.guarded,
        '--base-graph',
        files.base,
        ...args,
      ]);
      expect([online.code, offline.code]).toEqual([1, 1]);
      expect(JSON.parse(online.stdout).query).toEqual({
        type: 'cve',
        cve: 'CVE-2020-8203',
        assume: { ZIP: 'enabled' },
      });
      expect(offline.stdout).toBe(online.stdout);
      const off = await stella(
        ['reachgraph', 'diff', guarded, base, '--cve', 'CVE-2020-8203', '--assume', 'ZIP=disabled'],
        {
          env,
        },
      );
      expect(off.code).toBe(0);
      expect(off.stdout).toContain('CVE-2020-8203: unknown → not_reachable');
      expect(off.stdout).not.toContain('newly');
      expect(off.stdout).toContain('· lodash:zipObjectDeep: absent → unreachable');
      for (const bad of ['1ZIP=on', 'ZIP', 'ZIP=on,ZIP=off']) {
        const run = await stella(
          ['reachgraph', 'diff', guarded, base, '--cve', 'CVE-2020-8203', '--assume', bad],
          { env },
        );
        expect({ bad, code: run.code }).toEqual({ bad, code: 2 });
      }
    },
    SLOW,
  );
});

describe('stella reachgraph diff --graph --base-graph (offline)', () => {
  it(
    'gives the same document as the service, and the same exit code',
    async () => {
      const offline = await stella([
        'reachgraph',
        'diff',
        '--graph',
        files.head,
        '--base-graph',
        files.base,
        '--cve',
        'CVE-2020-8203',
        '--json',
      ]);
      const online = await stella(['reachgraph', 'diff', head, base, '--cve', 'CVE-2020-8203', '--json'], {
        env,
      });
      expect(offline.code).toBe(1);
      expect(offline.stdout).toBe(online.stdout);
    },
    SLOW,
  );

  it(
    'diffs a file glob with the nodes of matching files as sinks',
    async () => {
      const run = await stella([
        'reachgraph',
        'diff',
        '--graph',
        files.head,
        '--base-graph',
        files.base,
        '--file',
        'node_modules/**',
      ]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(NEW_SINK);
      const back = await stella([
        'reachgraph',
        'diff',
        '--graph',
        files.base,
        '--base-graph',
        files.head,
        '--file',
        'node_modules/**',
      ]);
      expect(back.code).toBe(0);
      expect(back.stdout).toContain('- no longer reachable: lodash:zipObjectDeep');
    },
    SLOW,
  );

  it(
    'needs both files; a file that is not a graph fails with its schema errors',
    async () => {
      const one = await stella(['reachgraph', 'diff', '--graph', files.head, '--cve', 'CVE-2020-8203']);
      expect(one.code).toBe(2);
      await writeFile(join(dir, 'not-a-graph.json'), '{"schemaVersion":"reachgraph.min@v1"}');
      const bad = await stella([
        'reachgraph',
        'diff',
        '--graph',
        join(dir, 'not-a-graph.json'),
        '--base-graph',
        files.base,
        '--cve',
        'CVE-2020-8203',
        '--json',
      ]);
      expect(errorOf(bad).code).toBe('SCHEMA_INVALID');
      expect(bad.stdout).toBe('');
    },
    SLOW,
  );
});
