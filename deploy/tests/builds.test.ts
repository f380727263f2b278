import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@stella-ops/testkit';
import { REPO, workspaceClosure, workspacePackages } from './repo.js';

const TURBO = join(REPO, 'node_modules/.bin/turbo');
const env = {
  ...process.env,
  TURBO_TELEMETRY_DISABLED: '1',
  DO_NOT_TRACK: '1',
  npm_config_update_notifier: 'false',
};
const run = (cmd: string, args: string[], cwd: string, extraEnv: Record<string, string> = {}) =>
  execFileSync(cmd, args, {
    cwd,
    env: { ...env, ...extraEnv },
    encoding: 'utf8',
    stdio: 'pipe',
    timeout: 600_000,
  });

/** The packages `turbo run build --filter=<name>...` would build (turbo's own dry run). */
function turboBuildSet(name: string): string[] {
  const plan = JSON.parse(run(TURBO, ['run', 'build', `--filter=${name}...`, '--dry=json'], REPO)) as {
    tasks: { package: string; task: string }[];
  };
  return plan.tasks.map((t) => t.package).sort();
}

const DEPLOYABLES = ['@stella-ops/signals-service', '@stella-ops/reachgraph-service'];

describe('turbo build graph', () => {
  const all = workspacePackages();

  it.each([...all.keys()])('%s builds exactly itself and the workspace packages it depends on', (name) => {
    expect(turboBuildSet(name)).toEqual([...workspaceClosure(name, true)].sort());
  });

  it.each(DEPLOYABLES)('%s needs neither the other service nor the quick-start stack', (name) => {
    const set = turboBuildSet(name);
    for (const other of [...DEPLOYABLES, '@stella-ops/stack'])
      if (other !== name) expect(set).not.toContain(other);
  });

  it('builds @stella-ops/core from nothing but itself', () => {
    expect(turboBuildSet('@stella-ops/core')).toEqual(['@stella-ops/core']);
  });
});

/**
 * A clean tree: `turbo prune` copies only the package and what it depends on (plus the root
 * files a build reads), so a build that reached for anything else would fail here.
 */
function prunedTree(name: string): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'stella-build-')));
  run(TURBO, ['prune', name, '--out-dir', dir], REPO);
  // What the Dockerfiles add next to the pruned tree.
  copyFileSync(join(REPO, 'tsconfig.base.json'), join(dir, 'tsconfig.base.json'));
  run('pnpm', ['install', '--frozen-lockfile', '--prefer-offline', '--reporter=append-only'], dir);
  return dir;
}

describe('independent builds on a clean tree', () => {
  const dirs: string[] = [];
  let database: TestDatabase | undefined;
  afterAll(async () => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await database?.drop();
  });

  it('builds core alone, then Signals and only its dependencies, deploys production dependencies, and the deployed bin migrates a real database', async () => {
    const name = '@stella-ops/signals-service';
    const dir = prunedTree(name);
    dirs.push(dir);
    const workspace = workspacePackages();
    const built = () =>
      [...workspace.values()]
        .filter((p) => existsSync(join(dir, p.dir, 'dist')))
        .map((p) => p.json.name)
        .sort();
    expect(built()).toEqual([]);
    // Core first, on its own: nothing else is built yet, so it cannot lean on another package.
    run(TURBO, ['run', 'build', '--filter=@stella-ops/core'], dir);
    expect(built()).toEqual(['@stella-ops/core']);
    expect(existsSync(join(dir, 'packages/core/dist/index.d.ts'))).toBe(true);
    run(TURBO, ['run', 'build', `--filter=${name}...`], dir);
    expect(built()).toEqual([...workspaceClosure(name, true)].sort());

    // As the image does it: a self-contained directory with production dependencies only.
    const out = join(dir, 'deployed');
    run('pnpm', [`--filter=${name}`, 'deploy', '--legacy', '--prod', '--prefer-offline', out], dir);
    const installed = readdirSync(join(out, 'node_modules/@stella-ops')).sort();
    expect(installed).toEqual(
      [...workspaceClosure(name, false)]
        .filter((n) => n !== name)
        .map((n) => n.split('/')[1])
        .sort(),
    );
    expect(existsSync(join(out, 'node_modules/jest'))).toBe(false);
    // The compose stack points SIGNALS_CONFIG at the image's /app/etc/signals.yaml.
    expect(existsSync(join(out, 'etc/signals.yaml'))).toBe(true);
    database = await createTestDatabase('signals_deployed');
    const migrated = run(process.execPath, [join(out, 'dist/bin.js'), 'migrate'], tmpdir(), {
      SIGNALS_DATABASE_URL: database.url,
    });
    expect(migrated).toMatch(/^applied: /);
  }, 900_000);
});
