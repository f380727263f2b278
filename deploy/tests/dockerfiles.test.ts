import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { DockerfileParser, type Env, type Instruction } from 'dockerfile-ast';
import { envToCfg, readEnv } from '../../services/reachgraph/src/config.js';
import { SETTINGS } from '../../services/signals/src/config/settings.js';
import { DockerIgnore } from './dockerignore.js';
import { REPO, readRepo, SIGNALS_ENV_NAMES, workspaceClosure, workspacePackages } from './repo.js';

/** The port each service listens on by default, from its own configuration reader. */
const signalsPort = SETTINGS.find((s) => s.path === 'Signals.Http.Port')!.default as number;
const reachgraphPort = envToCfg({
  databaseUrl: 'postgres://x@db/x',
  authIssuer: 'https://issuer',
  authAudience: 'aud',
  authJwksUrl: 'https://issuer/jwks',
}).service.port;

const SERVICES = [
  {
    file: 'deploy/docker/signals.Dockerfile',
    pkg: '@stella-ops/signals-service',
    port: signalsPort,
    portVar: 'SIGNALS_PORT',
    nodeOptions: undefined,
    accepts: (name: string) => SIGNALS_ENV_NAMES.has(name),
  },
  {
    file: 'deploy/docker/reachgraph.Dockerfile',
    pkg: '@stella-ops/reachgraph-service',
    port: reachgraphPort,
    portVar: 'REACHGRAPH_PORT',
    // bench/reachgraph/run.mjs starts the service with the same (read from this file).
    nodeOptions: '--max-semi-space-size=32',
    accepts: (name: string) => Object.keys(readEnv({ [name]: '1' })).length === 1,
  },
] as const;

/** Current and maintained Node.js LTS lines (even majors); the workspace requires >= 20.19. */
const NODE_LTS = [20, 22, 24];

/** Words of a RUN line (continuations joined). */
const words = (i: Instruction) => i.getArguments().map((a) => a.getValue());
const flag = (i: Instruction, name: string) => {
  const m = new RegExp(`--${name}=(\\S+)`).exec(i.getTextContent());
  return m?.[1];
};

describe.each(SERVICES)('$file', ({ file, pkg, port, portVar, nodeOptions, accepts }) => {
  const dockerfile = DockerfileParser.parse(readRepo(file));
  const instructions = dockerfile.getInstructions();
  const froms = dockerfile.getFROMs();
  const runtimeStart = froms.at(-1)!.getRange().start.line;
  const runtime = instructions.filter((i) => i.getRange().start.line >= runtimeStart);
  const only = (keyword: string) => runtime.filter((i) => i.getKeyword() === keyword);
  const workspace = workspacePackages();

  it('builds every stage from one pinned Node LTS slim image, never latest', () => {
    const arg = dockerfile.getInitialARGs().find((a) => a.getProperty()?.getName() === 'NODE_IMAGE');
    const image = arg?.getProperty()?.getValue();
    const m = /^node:(\d+)-(bookworm|trixie)-slim$/.exec(image ?? '');
    expect(m).not.toBeNull();
    expect(NODE_LTS).toContain(Number(m![1]));
    expect(froms.map((f) => f.getImageName())).toEqual(froms.map(() => ['$', '{NODE_IMAGE}'].join('')));
    expect(froms.map((f) => f.getBuildStage())).toEqual(['prune', 'build', 'runtime']);
  });

  it('prunes, builds and deploys only this service, production dependencies only', () => {
    const runs = instructions.filter((i) => i.getKeyword() === 'RUN').map((i) => words(i).join(' '));
    expect(runs).toContain(`turbo prune ${pkg} --docker --out-dir /pruned`);
    expect(runs).toContain('pnpm install --frozen-lockfile');
    expect(runs).toContain(`pnpm turbo run build --filter=${pkg}...`);
    expect(runs).toContain(`pnpm --filter=${pkg} deploy --legacy --prod /out`);
    // The runtime stage installs nothing from npm: it copies the deployed directory only.
    expect(only('RUN').some((i) => /\b(pnpm|npm|yarn)\b/.test(i.getTextContent()))).toBe(false);
    expect(only('COPY').map((c) => [flag(c, 'from'), words(c).join(' ')])).toEqual([['build', '/out/ ./']]);
  });

  it('installs the pnpm the workspace pins and the turbo it locks', () => {
    const runs = instructions.filter((i) => i.getKeyword() === 'RUN').map((i) => words(i).join(' '));
    const root = JSON.parse(readRepo('package.json')) as { packageManager: string };
    expect(runs).toContain(`npm install --global ${root.packageManager}`);
    const turbo = JSON.parse(readRepo('node_modules/turbo/package.json')) as { version: string };
    expect(runs).toContain(`npm install --global turbo@${turbo.version}`);
  });

  it('runs as a non-root numeric user under tini, with the service bin as entry point', () => {
    const [user] = only('USER');
    const uid = Number(words(user!)[0]!.split(':')[0]);
    expect(Number.isInteger(uid) && uid > 0).toBe(true);
    expect(only('RUN').some((i) => /apt-get install .*\btini\b/.test(words(i).join(' ')))).toBe(true);
    const entry = JSON.parse(only('ENTRYPOINT')[0]!.getArgumentsContent()!) as string[];
    expect(entry.slice(0, 3)).toEqual(['/usr/bin/tini', '--', 'node']);
    // WORKDIR /app holds the deployed package: its bin must be the entry point.
    expect(only('WORKDIR').map((w) => words(w)[0])).toEqual(['/app']);
    const bin = Object.values(workspace.get(pkg)!.json.bin ?? {})[0]!;
    expect(entry[3]).toBe(posix.join('/app', bin));
    expect(JSON.parse(only('CMD')[0]!.getArgumentsContent()!)).toEqual(['serve']);
    // The user must come after everything that needs root.
    const userLine = user!.getRange().start.line;
    for (const r of only('RUN')) expect(r.getRange().start.line).toBeLessThan(userLine);
  });

  it('exposes the configured port and checks /healthz on it', () => {
    expect(only('EXPOSE').map((e) => words(e)[0])).toEqual([String(port)]);
    const health = only('HEALTHCHECK');
    expect(health).toHaveLength(1);
    const text = health[0]!.getTextContent();
    expect(text).toMatch(/--interval=\d+s/);
    const cmd = JSON.parse(health[0]!.getArgumentsContent()!.replace(/^CMD\s+/, '')) as string[];
    expect(cmd.slice(0, 2)).toEqual(['node', '-e']);
    expect(cmd[2]).toContain('/healthz');
    expect(cmd[2]).toContain(`process.env.${portVar}||${port}`);
    expect(accepts(portVar)).toBe(true);
  });

  it('runs node with the NODE_OPTIONS it is tuned for, which Node accepts there', () => {
    const set = only('ENV')
      .flatMap((e) => (e as Env).getProperties())
      .filter((p) => p.getName() === 'NODE_OPTIONS')
      .map((p) => p.getValue());
    expect(set).toEqual(nodeOptions === undefined ? [] : [nodeOptions]);
    // A flag Node refuses in NODE_OPTIONS would stop the container before the service starts.
    for (const value of set)
      execFileSync(process.execPath, ['-e', ''], { env: { ...process.env, NODE_OPTIONS: value! } });
  });

  it('copies from the build context only paths that exist and .dockerignore keeps', () => {
    const ignore = new DockerIgnore(readRepo('.dockerignore'));
    for (const copy of instructions.filter((i) => i.getKeyword() === 'COPY' && !flag(i, 'from'))) {
      const sources = words(copy).slice(0, -1);
      for (const source of sources) {
        expect([source, existsSync(join(REPO, source))]).toEqual([source, true]);
        if (source !== '.') expect([source, ignore.ignores(source)]).toEqual([source, false]);
      }
    }
  });

  it('keeps in the build context every file the pruned build reads', () => {
    const ignore = new DockerIgnore(readRepo('.dockerignore'));
    for (const root of [
      'package.json',
      'pnpm-lock.yaml',
      'pnpm-workspace.yaml',
      'turbo.json',
      'tsconfig.base.json',
    ]) {
      expect([root, ignore.ignores(root)]).toEqual([root, false]);
    }
    const tracked = execFileSync('git', ['ls-files'], { cwd: REPO, encoding: 'utf8' }).split('\n');
    for (const name of workspaceClosure(pkg, true)) {
      const dir = workspace.get(name)!.dir;
      // Everything a package holds besides its tests (sources, build scripts, config, assets).
      const needed = tracked.filter(
        (f) =>
          f.startsWith(`${dir}/`) && !/\/tests\/|__tests__|\.test\.ts$|\/bench\//.test(f.slice(dir.length)),
      );
      expect(needed.length).toBeGreaterThan(0);
      for (const f of needed) expect([f, ignore.ignores(f)]).toEqual([f, false]);
    }
    expect(ignore.ignores('services/signals/node_modules/x/index.js')).toBe(true);
    expect(ignore.ignores('.git/HEAD')).toBe(true);
  });

  it('turbo prune yields a workspace whose tsconfig chains resolve with the files the Dockerfile adds', () => {
    const out = mkdtempSync(join(tmpdir(), 'prune-'));
    try {
      execFileSync(join(REPO, 'node_modules/.bin/turbo'), ['prune', pkg, '--docker', '--out-dir', out], {
        cwd: REPO,
        stdio: 'pipe',
        env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
      });
      const added = instructions
        .filter((i) => i.getKeyword() === 'COPY' && !flag(i, 'from'))
        .flatMap((c) => words(c).slice(0, -1))
        .filter((s) => s !== '.');
      const full = join(out, 'full');
      const pruned = [...workspaceClosure(pkg, true)].map((n) => workspace.get(n)!.dir);
      for (const dir of pruned) {
        expect([dir, existsSync(join(full, dir, 'package.json'))]).toEqual([dir, true]);
        let config = join(full, dir, 'tsconfig.json');
        for (let depth = 0; depth < 5; depth++) {
          const ext = (JSON.parse(readFileSync(config, 'utf8')) as { extends?: string }).extends;
          if (!ext) break;
          const next = join(dirname(config), ext);
          const rel = next.slice(full.length + 1);
          expect([rel, existsSync(next) || added.includes(rel)]).toEqual([rel, true]);
          if (!existsSync(next)) break;
          config = next;
        }
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
