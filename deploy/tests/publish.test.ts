import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { REPO, readRepo, type WorkspacePackage, workspacePackages } from './repo.js';

/** The packages users install from npm: everything under packages/ not marked private. */
const PUBLIC = [...workspacePackages().values()].filter(
  (p) => p.dir.startsWith('packages/') && !p.json.private,
);
const built = PUBLIC.every((p) => existsSync(join(REPO, p.dir, 'dist/index.js')));
const tarballName = (p: WorkspacePackage) =>
  `${p.json.name.replace(/^@/, '').replace('/', '-')}-${p.json.version}.tgz`;

function run(cmd: string, args: string[], cwd: string, timeout = 600_000): string {
  return execFileSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    stdio: 'pipe',
    timeout,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
}

/** The error output of a command expected to fail. */
function failure(cmd: string, args: string[], cwd: string): string {
  try {
    run(cmd, args, cwd);
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}`;
  }
  throw new Error(`${cmd} ${args.join(' ')} succeeded`);
}

describe('public package metadata', () => {
  it('covers core, graph and cas', () => {
    expect(PUBLIC.map((p) => p.json.name)).toEqual(
      expect.arrayContaining(['@stella-ops/core', '@stella-ops/graph', '@stella-ops/cas']),
    );
  });

  it.each(PUBLIC.map((p) => [p.json.name, p] as const))(
    '%s has everything npm publish with provenance needs',
    (_, p) => {
      const j = p.json as Record<string, unknown> & WorkspacePackage['json'];
      expect(j.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(j['license']).toBe('Apache-2.0');
      expect(j['type']).toBe('module');
      expect(j['files']).toEqual(expect.arrayContaining(['dist']));
      expect(j['repository']).toEqual({
        type: 'git',
        url: 'git+https://github.com/stella-ops/stella-reach.git',
        directory: p.dir,
      });
      expect(j['publishConfig']).toEqual({ access: 'public', provenance: true });
      const exportsMap = j['exports'] as Record<string, { types: string; default: string }>;
      for (const [subpath, target] of Object.entries(exportsMap)) {
        expect([subpath, Object.keys(target)]).toEqual([subpath, ['types', 'default']]);
        expect(target.types).toMatch(/^\.\/dist\/.*\.d\.ts$/);
      }
      expect(j['types']).toBe(exportsMap['.']!.types);
      expect(j['engines']).toEqual({ node: expect.stringMatching(/^>=20/) });
      // Published packages never depend on private workspace packages.
      for (const dep of Object.keys(j.dependencies ?? {})) {
        const target = workspacePackages().get(dep);
        if (target) expect([dep, target.json.private ?? false]).toEqual([dep, false]);
      }
    },
  );

  it('are built, linted and tested by CI against real Postgres, Valkey and MinIO', () => {
    const ci = parseYaml(readRepo('.github/workflows/ci.yml')) as {
      jobs: { test: { services: Record<string, { image: string }>; steps: { run?: string }[] } };
    };
    expect(Object.keys(ci.jobs.test.services).sort()).toEqual(['postgres', 'valkey']);
    const runs = ci.jobs.test.steps.map((s) => s.run ?? '').join('\n');
    for (const command of ['minio/minio:', 'pnpm install --frozen-lockfile', 'pnpm lint', 'pnpm test']) {
      expect(runs).toContain(command);
    }
    for (const name of ['@stella-ops/signals-service', '@stella-ops/reachgraph-service']) {
      expect(runs).toContain(`pnpm turbo run build --filter=${name}...`);
    }
  });

  it('are versioned by changesets and published by the release workflow with provenance', () => {
    const config = JSON.parse(readRepo('.changeset/config.json')) as Record<string, unknown>;
    expect(config['access']).toBe('public');
    expect(config['baseBranch']).toBe('main');
    const release = readRepo('.github/workflows/release.yml');
    const workflow = parseYaml(release) as {
      permissions: Record<string, string>;
      jobs: { images: { strategy: { matrix: { service: { name: string }[] } } } };
    };
    expect(workflow.permissions['id-token']).toBe('write');
    expect(workflow.jobs.images.strategy.matrix.service.map((s) => s.name)).toEqual([
      'signals',
      'reachgraph',
    ]);
    for (const s of workflow.jobs.images.strategy.matrix.service) {
      expect(existsSync(join(REPO, `deploy/docker/${s.name}.Dockerfile`))).toBe(true);
    }
    expect(readRepo('package.json')).toContain('changeset publish');
    expect(release).toContain('changesets/action@');
    expect(release).toContain('id-token: write');
    expect(release).toContain('NPM_CONFIG_PROVENANCE: "true"');
  });
});

describe('packed public packages in a project outside the workspace', () => {
  let scratch: string;
  let tarballs: string;

  beforeAll(() => {
    // `pnpm test` builds first: a missing build fails these tests, it never skips them.
    if (!built) throw new Error('dist/ is missing: run `pnpm build` first');
    scratch = realpathSync(mkdtempSync(join(tmpdir(), 'stella-publish-')));
    tarballs = join(scratch, 'tarballs');
    mkdirSync(tarballs);
    for (const p of PUBLIC) run('pnpm', ['pack', '--pack-destination', tarballs], join(REPO, p.dir));
    const app = join(scratch, 'app');
    mkdirSync(app);
    const deps = Object.fromEntries(PUBLIC.map((p) => [p.json.name, `file:../tarballs/${tarballName(p)}`]));
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({
        name: 'scratch-consumer',
        private: true,
        type: 'module',
        dependencies: { ...deps, '@types/node': '20.19.43' },
        // Dependencies between the packages resolve to the tarballs too (nothing is on npm yet).
        pnpm: { overrides: deps, onlyBuiltDependencies: ['zstd-napi'] },
      }),
    );
    run('pnpm', ['install', '--prefer-offline', '--reporter=append-only'], app);
  }, 900_000);

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('lives outside the workspace', () => {
    expect(scratch.startsWith(realpathSync(REPO))).toBe(false);
  });

  it.each(PUBLIC.map((p) => [p.json.name, p] as const))(
    '%s packs dist with types, no sources or workspace ranges',
    (_, p) => {
      const files = run('tar', ['tzf', join(tarballs, tarballName(p))], scratch)
        .trim()
        .split('\n');
      expect(files).toContain('package/package.json');
      const exportsMap = p.json['exports'] as Record<string, { types: string; default: string }>;
      for (const target of Object.values(exportsMap)) {
        expect(files).toContain(`package/${target.types.slice(2)}`);
        expect(files).toContain(`package/${target.default.slice(2)}`);
      }
      expect(files.filter((f) => /\/(src|tests|__tests__)\/|\.test\.|tsbuildinfo/.test(f))).toEqual([]);
      const packed = run(
        'tar',
        ['xzf', join(tarballs, tarballName(p)), '-O', 'package/package.json'],
        scratch,
      );
      expect(packed).not.toContain('workspace:');
    },
  );

  it('imports from ESM JavaScript and round-trips canonical JSON, DSSE and a blob', () => {
    const app = join(scratch, 'app');
    writeFileSync(
      join(app, 'smoke.mjs'),
      `
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalize, createKeySigner, signEnvelope, verifyEnvelope, sha256Canonical } from '@stella-ops/core';
import { FORMAT_VERSION, EDGE_TYPES } from '@stella-ops/graph';
import { createBlobStore } from '@stella-ops/cas';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' });
const publicPem = publicKey.export({ type: 'spki', format: 'pem' });
const doc = { z: 1, a: [true, null, 'é'], m: { b: 2.5, a: 1e21 } };
const text = canonicalize(doc);
const env = await signEnvelope(new TextEncoder().encode(text), 'application/json', [createKeySigner(privatePem, { keyId: 'k1' })]);
const verified = await verifyEnvelope(env, [{ keyId: 'k1', publicKeyPem: publicPem }]);
let tampered = 'accepted';
try {
  await verifyEnvelope({ ...env, payload: Buffer.from('{}').toString('base64') }, [{ keyId: 'k1', publicKeyPem: publicPem }]);
} catch (err) {
  tampered = err.code;
}
const store = createBlobStore({ kind: 'fs', root: mkdtempSync(join(tmpdir(), 'cas-')), fsync: false });
await store.ensureReady();
const put = await store.put('callgraphs/x.json', Buffer.from(text));
let read = '';
for await (const c of await store.get('callgraphs/x.json')) read += c;
await store.close();
console.log(JSON.stringify({
  text,
  payload: new TextDecoder().decode(verified.payload),
  keyIds: verified.keyIds,
  tampered,
  digest: sha256Canonical(doc),
  putDigest: put.digest,
  read,
  graph: typeof FORMAT_VERSION === 'number' && Array.isArray(EDGE_TYPES),
}));
`,
    );
    const out = JSON.parse(run(process.execPath, ['smoke.mjs'], app)) as Record<string, unknown>;
    const text = '{"a":[true,null,"é"],"m":{"a":1e+21,"b":2.5},"z":1}';
    expect(out).toEqual({
      text,
      payload: text,
      keyIds: ['k1'],
      tampered: 'DSSE_VERIFICATION_FAILED',
      digest: out['putDigest'],
      putDigest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      read: text,
      graph: true,
    });
  });

  it('compiles TypeScript against the packed types with tsc, runs it, and reports type errors', () => {
    const app = join(scratch, 'app');
    const tsc = join(REPO, 'node_modules/typescript/bin/tsc');
    const tsconfig = {
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        strict: true,
        outDir: 'out',
        types: ['node'],
        skipLibCheck: true,
      },
      files: ['typed.ts'],
    };
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(tsconfig));
    writeFileSync(
      join(app, 'typed.ts'),
      `
import { generateKeyPairSync } from 'node:crypto';
import { canonicalize, createKeySigner, type DsseEnvelope, signEnvelope, verifyEnvelope } from '@stella-ops/core';
import type { BlobStoreConfig } from '@stella-ops/cas';
import type { ReachGraphBuildInputs } from '@stella-ops/graph';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const text: string = canonicalize({ b: 1, a: 2 });
const env: DsseEnvelope = await signEnvelope(Buffer.from(text), 'application/json', [
  createKeySigner(String(privateKey.export({ type: 'pkcs8', format: 'pem' }))),
]);
const ok = await verifyEnvelope(env, [{ publicKeyPem: String(publicKey.export({ type: 'spki', format: 'pem' })) }]);
const config: BlobStoreConfig = { kind: 'fs', root: '/tmp/x' };
const inputs: Partial<ReachGraphBuildInputs> = {};
console.log(Buffer.from(ok.payload).toString(), config.kind, Object.keys(inputs).length);
`,
    );
    run(process.execPath, [tsc, '-p', 'tsconfig.json'], app);
    expect(run(process.execPath, ['out/typed.js'], app).trim()).toBe('{"a":2,"b":1} fs 0');

    // Types are real, not any: misuse is a compile error.
    writeFileSync(
      join(app, 'typed.ts'),
      `import { canonicalize } from '@stella-ops/core';\nconst n: number = canonicalize({});\nconsole.log(n);\n`,
    );
    expect(failure(process.execPath, [tsc, '-p', 'tsconfig.json'], app)).toContain(
      "error TS2322: Type 'string' is not assignable to type 'number'",
    );
  });

  it('leaves nothing but the tarballs it was given', () => {
    expect(readdirSync(tarballs).sort()).toEqual(PUBLIC.map(tarballName).sort());
  });
});
