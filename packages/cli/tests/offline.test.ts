import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  blake3,
  canonicalize,
  createKeySigner,
  type ReachGraph,
  reachGraphDigest,
  sha256,
  signEnvelope,
  signSigstoreBundle,
} from '@stella-ops/core';
import { errorOf, SLOW, stella, stellaOnTty } from './run-stella.js';

const EXAMPLE = new URL(
  '../../../schemas/examples/reachgraph-min.v1/valid-express-lodash.json',
  import.meta.url,
);
let dir: string;
let graphPath: string;
let graph: ReachGraph;
const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = (k: typeof key.publicKey) => String(k.export({ type: 'spki', format: 'pem' }));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stella-cli-'));
  graphPath = join(dir, 'graph.json');
  graph = JSON.parse(await readFile(EXAMPLE, 'utf8')) as ReachGraph;
  await writeFile(graphPath, JSON.stringify(graph, null, 2));
  await writeFile(join(dir, 'key.pem'), pem(key.publicKey));
  await writeFile(join(dir, 'other.pem'), pem(other.publicKey));
}, SLOW);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('stella canon', () => {
  it(
    'prints the RFC 8785 form of a JSON file, byte for byte',
    async () => {
      await writeFile(join(dir, 'a.json'), '{ "b": 1.0, "a": [true, "\\u00e9"] }');
      const run = await stella(['canon', join(dir, 'a.json')]);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe('{"a":[true,"é"],"b":1}');
    },
    SLOW,
  );

  it(
    'canonicalises each NDJSON line, and reads stdin for -',
    async () => {
      const run = await stella(['canon', '--ndjson', '-'], { input: '{"z":1,"a":2}\n\n{"k":[ 1 ]}\n' });
      expect(run.stdout).toBe('{"a":2,"z":1}\n{"k":[1]}\n');
    },
    SLOW,
  );

  it(
    'fails with exit 1 and JSON_INVALID for a file that is not JSON',
    async () => {
      await writeFile(join(dir, 'bad.json'), '{nope');
      const run = await stella(['--json', 'canon', join(dir, 'bad.json')]);
      expect(run.code).toBe(1);
      expect(errorOf(run).code).toBe('JSON_INVALID');
    },
    SLOW,
  );
});

describe('stella digest', () => {
  it(
    'gives a reachgraph document the digest ReachGraph computes',
    async () => {
      const run = await stella(['digest', '--json', graphPath]);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({
        digest: await reachGraphDigest(graph),
        alg: 'blake3',
        mode: 'reachgraph',
        file: graphPath,
      });
    },
    SLOW,
  );

  it(
    'hashes raw bytes or canonical JSON with sha256 or blake3 as asked',
    async () => {
      const raw = await readFile(graphPath);
      const sha = await stella(['digest', '--alg', 'sha256', '--mode', 'raw', graphPath]);
      expect(sha.stdout).toBe(`${sha256(raw)}  ${graphPath}\n`);
      const canon = await stella(['digest', '--mode', 'canonical', graphPath]);
      expect(canon.stdout.split(' ')[0]).toBe(await blake3(canonicalize(graph)));
    },
    SLOW,
  );

  it(
    'is a usage error (exit 2) for an unknown algorithm',
    async () => {
      const run = await stella(['digest', '--alg', 'md5', graphPath]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/--alg must be blake3 or sha256/);
    },
    SLOW,
  );
});

describe('stella verify', () => {
  it(
    'verifies a DSSE envelope signed by the key (exit 0), and prints the payload with --payload',
    async () => {
      const signer = createKeySigner(String(key.privateKey.export({ type: 'pkcs8', format: 'pem' })));
      const envelope = await signEnvelope(Buffer.from('{"hello":"world"}'), 'application/json', [signer]);
      await writeFile(join(dir, 'env.json'), JSON.stringify(envelope));
      const ok = await stella(['verify', join(dir, 'env.json'), '--key', join(dir, 'key.pem'), '--json']);
      expect(ok.code).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({ verified: true, kind: 'dsse', keyIds: [signer.keyId] });
      const payload = await stella([
        'verify',
        join(dir, 'env.json'),
        '--key',
        join(dir, 'key.pem'),
        '--payload',
      ]);
      expect(payload.stdout.trim()).toBe('{"hello":"world"}');
    },
    SLOW,
  );

  it(
    'fails with exit 3 for a tampered envelope or the wrong key',
    async () => {
      const signer = createKeySigner(String(key.privateKey.export({ type: 'pkcs8', format: 'pem' })));
      const envelope = await signEnvelope(Buffer.from('{"n":1}'), 'application/json', [signer]);
      const tampered = { ...envelope, payload: Buffer.from('{"n":2}').toString('base64') };
      await writeFile(join(dir, 'tampered.json'), JSON.stringify(tampered));
      await writeFile(join(dir, 'good.json'), JSON.stringify(envelope));
      const bad = await stella([
        '--json',
        'verify',
        join(dir, 'tampered.json'),
        '--key',
        join(dir, 'key.pem'),
      ]);
      expect(bad.code).toBe(3);
      expect(errorOf(bad).code).toBe('DSSE_VERIFICATION_FAILED');
      const wrongKey = await stella(['verify', join(dir, 'good.json'), '--key', join(dir, 'other.pem')]);
      expect(wrongKey.code).toBe(3);
    },
    SLOW,
  );

  it(
    'verifies a Sigstore bundle offline (exit 0) and refuses a tampered one (exit 3)',
    async () => {
      const signer = createKeySigner(String(key.privateKey.export({ type: 'pkcs8', format: 'pem' })));
      const bundle = await signSigstoreBundle(Buffer.from('{"b":1}'), 'application/json', signer);
      await writeFile(join(dir, 'bundle.json'), JSON.stringify(bundle));
      const ok = await stella(['verify', join(dir, 'bundle.json'), '--key', join(dir, 'key.pem'), '--json']);
      expect(ok.code).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({
        verified: true,
        kind: 'bundle',
        payloadType: 'application/json',
      });
      const doc = JSON.parse(JSON.stringify(bundle)) as { dsseEnvelope: { payload: string } };
      doc.dsseEnvelope.payload = Buffer.from('{"b":2}').toString('base64');
      await writeFile(join(dir, 'bundle-bad.json'), JSON.stringify(doc));
      const bad = await stella(['verify', join(dir, 'bundle-bad.json'), '--key', join(dir, 'key.pem')]);
      expect(bad.code).toBe(3);
    },
    SLOW,
  );

  it(
    'is a usage error without --key',
    async () => {
      const run = await stella(['verify', graphPath]);
      expect(run.code).toBe(2);
    },
    SLOW,
  );
});

describe('stella reachgraph slice --graph (local)', () => {
  it(
    'prints each path entry → sink as a tree with edge type, guard and file:line, no colour off a TTY',
    async () => {
      const run = await stella(['reachgraph', 'slice', '--graph', graphPath, '--cve', 'CVE-2021-23337']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('cve slice CVE-2021-23337 gated');
      expect(run.stdout).toContain('path 1: src/server.js:main → lodash:template');
      expect(run.stdout).toContain('  reachable only if REPORTS=enabled\n');
      expect(run.stdout).toContain(
        'sinks reachable: -; only under conditions: lodash:template; unreachable: -',
      );
      expect(run.stdout).toMatch(/└─ FeatureFlag {2}at src\/server\.js:30 {2}guard REPORTS=enabled/);
      expect(run.stdout).toMatch(
        /lodash:template \(node_modules\/lodash\/lodash\.js:14826\).*\[sink CVE-2021-23337\]/,
      );
      expect(run.stdout).not.toContain('\u001b[');
    },
    SLOW,
  );

  it(
    'colours the tree on a terminal, unless NO_COLOR is set',
    async () => {
      const args = ['reachgraph', 'slice', '--graph', graphPath, '--cve', 'CVE-2021-23337'];
      const tty = await stellaOnTty(args);
      expect(tty.code).toBe(0);
      expect(tty.stdout).toContain('\u001b[33mgated\u001b[39m');
      expect(tty.stdout).toContain('\u001b[33mguard REPORTS=enabled\u001b[39m');
      const plain = await stellaOnTty(args, { NO_COLOR: '1' });
      expect(plain.stdout).toContain('guard REPORTS=enabled');
      expect(plain.stdout).not.toContain('\u001b[');
    },
    SLOW,
  );

  it(
    '--assume settles or prunes guards: reachable when the flag is on, not reachable when off',
    async () => {
      const args = ['reachgraph', 'slice', '--graph', graphPath, '--cve', 'CVE-2021-23337'];
      const on = await stella([...args, '--assume', 'REPORTS=enabled, os=linux']);
      expect(on.code).toBe(0);
      expect(on.stdout).toContain('cve slice CVE-2021-23337 reachable  assuming REPORTS=enabled, os=linux');
      expect(on.stdout).not.toContain('reachable only if');
      const off = await stella([...args, '--assume', 'REPORTS=disabled']);
      expect(off.stdout).toContain('cve slice CVE-2021-23337 not_reachable');
      const json = JSON.parse(
        (await stella([...args, '--assume', 'os=linux,REPORTS=Enabled', '--json'])).stdout,
      );
      expect(json.query).toEqual({
        type: 'cve',
        cve: 'CVE-2021-23337',
        assume: { REPORTS: 'Enabled', os: 'linux' },
      });
      expect(json.verdict).toBe('reachable');
      expect(json.paths[0].openGuards).toEqual([]);
      for (const bad of ['REPORTS', 'REPORTS=a,REPORTS=b', '1x=y']) {
        const run = await stella([...args, '--assume', bad]);
        expect({ bad, code: run.code }).toEqual({ bad, code: 2 });
        expect(run.stderr).toContain('--assume');
      }
    },
    SLOW,
  );

  it(
    'answers the same slice as JSON, DOT and Mermaid',
    async () => {
      const json = await stella([
        'reachgraph',
        'slice',
        '--graph',
        graphPath,
        '--purl',
        'pkg:npm/lodash',
        '--json',
      ]);
      const slice = JSON.parse(json.stdout);
      expect(slice.schemaVersion).toBe('reachgraph.slice@v1');
      expect(slice.query).toMatchObject({ type: 'package', purl: 'pkg:npm/lodash' });
      const dot = await stella([
        'reachgraph',
        'slice',
        '--graph',
        graphPath,
        '--purl',
        'pkg:npm/lodash',
        '--format',
        'dot',
      ]);
      expect(dot.stdout).toMatch(/^digraph "blake3:[0-9a-f]{64}" \{/);
      expect(dot.stdout).toContain(
        '"lodash:template" [label="template", tooltip="lodash:template", color=red, fontcolor=red];',
      );
      const mermaid = await stella([
        'reachgraph',
        'slice',
        '--graph',
        graphPath,
        '--file',
        'src/**',
        '--format',
        'mermaid',
      ]);
      expect(mermaid.stdout.split('\n')[0]).toBe('flowchart LR');
    },
    SLOW,
  );

  it(
    'is a usage error (exit 2) without exactly one query, with a bad depth, or with a bad format',
    async () => {
      expect((await stella(['reachgraph', 'slice', '--graph', graphPath])).code).toBe(2);
      expect(
        (await stella(['reachgraph', 'slice', '--graph', graphPath, '--cve', 'X', '--purl', 'y'])).code,
      ).toBe(2);
      expect(
        (await stella(['reachgraph', 'slice', '--graph', graphPath, '--purl', 'pkg:npm/a', '--depth', '99']))
          .code,
      ).toBe(2);
      expect(
        (
          await stella([
            'reachgraph',
            'slice',
            '--graph',
            graphPath,
            '--cve',
            'CVE-2021-1',
            '--format',
            'svg',
          ])
        ).code,
      ).toBe(2);
    },
    SLOW,
  );
});

describe('stella reachgraph slice --graph with a bad document', () => {
  it(
    'names the schema violations (exit 1, SCHEMA_INVALID)',
    async () => {
      await writeFile(
        join(dir, 'not-a-graph.json'),
        JSON.stringify({ schemaVersion: 'reachgraph.min@v1', nodes: 1 }),
      );
      const run = await stella([
        '--json',
        'reachgraph',
        'slice',
        '--graph',
        join(dir, 'not-a-graph.json'),
        '--cve',
        'CVE-2021-1',
      ]);
      expect(run.code).toBe(1);
      const error = errorOf(run) as { code: string; details?: { pointer: string }[] };
      expect(error.code).toBe('SCHEMA_INVALID');
      expect(error.details?.map((d) => d.pointer)).toContain('/nodes');
    },
    SLOW,
  );
});

describe('unreachable services', () => {
  it(
    'is exit 1 with NETWORK_ERROR when nothing listens',
    async () => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as AddressInfo).port;
      await new Promise((resolve) => server.close(resolve));
      const run = await stella([
        '--json',
        '--retries',
        '0',
        '--signals-url',
        `http://127.0.0.1:${port}`,
        'signals',
        'keys',
      ]);
      expect(run.code).toBe(1);
      expect(errorOf(run).code).toBe('NETWORK_ERROR');
    },
    SLOW,
  );
});

describe('usage and help', () => {
  it(
    'exits 2 for an unknown command or option, 0 for --help and --version',
    async () => {
      expect((await stella(['frobnicate'])).code).toBe(2);
      expect((await stella(['digest', '--bogus', graphPath])).code).toBe(2);
      expect((await stella(['digest'])).code).toBe(2);
      const version = await stella(['--version']);
      expect(version).toMatchObject({ code: 0, stdout: '0.1.0\n' });
    },
    SLOW,
  );

  it(
    'shows an example in the --help of every command',
    async () => {
      const commands = [
        ['reachgraph'],
        ['signals'],
        ['signals', 'callgraph'],
        ['signals', 'facts'],
        ['signals', 'verify'],
        ['reachgraph', 'upsert'],
        ['reachgraph', 'get'],
        ['reachgraph', 'slice'],
        ['reachgraph', 'replay'],
        ['reachgraph', 'by-artifact'],
        ['reachgraph', 'dsse'],
        ['reachgraph', 'delete'],
        ['reachgraph', 'build'],
        ['signals', 'callgraph', 'push'],
        ['signals', 'callgraph', 'get'],
        ['signals', 'callgraph', 'manifest'],
        ['signals', 'callgraph', 'list'],
        ['signals', 'facts', 'push'],
        ['signals', 'facts', 'stream'],
        ['signals', 'facts', 'get'],
        ['signals', 'provenance'],
        ['signals', 'keys'],
        ['canon'],
        ['digest'],
        ['verify'],
      ];
      // A few at a time: the machine is shared, and 25 Node processes at once starve each other.
      for (let i = 0; i < commands.length; i += 4) {
        const group = commands.slice(i, i + 4);
        const runs = await Promise.all(group.map((c) => stella([...c, '--help'])));
        runs.forEach((run, j) => {
          const command = group[j]!;
          expect({ command, code: run.code, stderr: run.stderr }).toEqual({ command, code: 0, stderr: '' });
          expect(run.stdout).toMatch(new RegExp(`Examples:\\n {2}\\$ stella ${command.join(' ')}`));
        });
      }
    },
    SLOW,
  );

  it(
    'is a usage error when a service command has no URL',
    async () => {
      const run = await stella(['--json', 'signals', 'keys']);
      expect(run.code).toBe(2);
      expect(errorOf(run).code).toBe('USAGE');
    },
    SLOW,
  );
});
