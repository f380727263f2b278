import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { envToCfg, readEnv } from '../../services/reachgraph/src/config.js';
import { resolveConfig, resolveStorageConfig } from '../../services/signals/src/config/resolve-config.js';
import { type Container, find, type K8sObject, kustomize, type PodSpec, podTemplates } from './kustomize.js';
import { REPO, readRepo, SECRET_STAND_INS, SIGNALS_ENV_NAMES, testSigningKeyPem } from './repo.js';

const OVERLAYS = { dev: 'stella-reach-dev', prod: 'stella-reach' } as const;
const render = (overlay: string) => kustomize(join(REPO, 'deploy/k8s/overlays', overlay));

/** The module a manifest's kind is validated with (kubernetes-models: the Kubernetes OpenAPI schemas). */
function modelModule(o: K8sObject): string {
  if (o.apiVersion.startsWith('monitoring.coreos.com/')) {
    return `@kubernetes-models/prometheus-operator/${o.apiVersion}/${o.kind}`;
  }
  return `kubernetes-models/${o.apiVersion}/${o.kind}`;
}

async function validate(o: K8sObject): Promise<void> {
  const mod = (await import(modelModule(o))) as Record<string, new (data: unknown) => { validate(): void }>;
  const Model = mod[o.kind];
  if (!Model) throw new Error(`no model for ${o.apiVersion} ${o.kind}`);
  new Model(o).validate();
}

type Workload = { obj: K8sObject; spec: PodSpec; labels: Record<string, string> };
function workloads(objects: K8sObject[]): Workload[] {
  return objects.flatMap((obj) =>
    podTemplates(obj).map((t) => ({ obj, spec: t.spec, labels: t.metadata?.labels ?? {} })),
  );
}

function selects(selector: Record<string, unknown>, labels: Record<string, string>): boolean {
  const matchLabels = (selector['matchLabels'] ?? {}) as Record<string, string>;
  const expressions = (selector['matchExpressions'] ?? []) as {
    key: string;
    operator: string;
    values?: string[];
  }[];
  return (
    Object.entries(matchLabels).every(([k, v]) => labels[k] === v) &&
    expressions.every((e) => {
      const v = labels[e.key];
      if (e.operator === 'In') return v !== undefined && (e.values ?? []).includes(v);
      if (e.operator === 'NotIn') return v === undefined || !(e.values ?? []).includes(v);
      if (e.operator === 'Exists') return v !== undefined;
      return v === undefined;
    })
  );
}

/** A container's environment with Secret values replaced by stand-ins and ConfigMap `envFrom` expanded. */
function containerEnv(c: Container, objects: K8sObject[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of c.envFrom ?? []) {
    if (!from.configMapRef) throw new Error(`${c.name}: only configMapRef envFrom is expected`);
    Object.assign(env, find(objects, 'ConfigMap', from.configMapRef.name)['data'] as Record<string, string>);
  }
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.valueFrom?.['secretKeyRef']?.['optional'] === true) continue;
    else if (e.valueFrom?.['secretKeyRef']) {
      const standIn = SECRET_STAND_INS[e.name];
      if (!standIn) throw new Error(`${c.name}: no stand-in for secret-backed ${e.name}`);
      env[e.name] = standIn;
    } else throw new Error(`${c.name}: ${e.name} has neither value nor secretKeyRef`);
  }
  return env;
}

/** Secrets the README documents (its table's first column). */
function documentedSecrets(): Set<string> {
  const rows = readRepo('deploy/k8s/README.md').matchAll(/^\| `([a-z0-9-]+)`/gm);
  return new Set([...rows].map((m) => m[1] as string));
}

describe.each(Object.entries(OVERLAYS))('deploy/k8s overlay %s', (overlay, namespace) => {
  const objects = render(overlay);
  const pods = workloads(objects);

  it('renders every object into the overlay namespace with the Kubernetes schemas satisfied', async () => {
    expect(objects.length).toBeGreaterThan(20);
    for (const o of objects) {
      expect([o.kind, o.metadata.name, o.metadata.namespace]).toEqual([o.kind, o.metadata.name, namespace]);
      expect(o.metadata.labels?.['app.kubernetes.io/part-of']).toBe('stella-reach');
      await validate(o);
    }
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of [
      'Deployment',
      'Service',
      'ConfigMap',
      'Job',
      'CronJob',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
      'NetworkPolicy',
      'ServiceMonitor',
      'PrometheusRule',
      'ServiceAccount',
    ]) {
      expect(kinds).toContain(kind);
    }
  });

  it('pins every image to a tag the overlay sets, never latest', () => {
    const expected = overlay === 'dev' ? 'main' : '0.1.0';
    for (const { spec } of pods) {
      for (const c of spec.containers) {
        expect(c.image).toMatch(/^ghcr\.io\/stella-ops\/stella-(signals|reachgraph):[\w.-]+$/);
        expect(c.image.split(':')[1]).toBe(expected);
      }
    }
  });

  it('runs every pod non-root with a read-only root filesystem, no capabilities and seccomp RuntimeDefault', () => {
    expect(pods.length).toBe(5); // two Deployments, two migrate Jobs, the gc CronJob
    for (const { obj, spec } of pods) {
      const pod = spec.securityContext ?? {};
      expect([obj.metadata.name, pod['runAsNonRoot']]).toEqual([obj.metadata.name, true]);
      expect(pod['seccompProfile']).toEqual({ type: 'RuntimeDefault' });
      expect(spec['automountServiceAccountToken']).toBe(false);
      for (const c of spec.containers) {
        const sc = (c['securityContext'] ?? {}) as Record<string, unknown>;
        expect([
          c.name,
          sc['runAsNonRoot'],
          sc['readOnlyRootFilesystem'],
          sc['allowPrivilegeEscalation'],
        ]).toEqual([c.name, true, true, false]);
        expect((sc['capabilities'] as { drop: string[] }).drop).toEqual(['ALL']);
        expect(sc['seccompProfile']).toEqual({ type: 'RuntimeDefault' });
        const resources = c['resources'] as {
          requests: Record<string, string>;
          limits: Record<string, string>;
        };
        expect(Object.keys(resources.requests).sort()).toEqual(['cpu', 'memory']);
        expect(resources.limits['memory']).toBeDefined();
      }
    }
  });

  it('probes readiness on /readyz and liveness on /healthz at the port the service listens on', () => {
    for (const name of ['signals', 'reachgraph']) {
      const d = find(objects, 'Deployment', name);
      const [c] = podTemplates(d)[0]!.spec.containers;
      const port = c!.ports!.find((p) => p.name === 'http')!.containerPort;
      const probe = (k: string) => (c![k] as { httpGet: { path: string; port: string } }).httpGet;
      expect(probe('readinessProbe')).toEqual({ path: '/readyz', port: 'http' });
      expect(probe('livenessProbe')).toEqual({ path: '/healthz', port: 'http' });
      const service = find(objects, 'Service', name);
      const sp = (service['spec'] as { ports: { targetPort: string; port: number }[] }).ports[0]!;
      expect([sp.targetPort, sp.port]).toEqual(['http', port]);
      // The drain (service-kit: 25 s) plus the preStop pause fit in the grace period.
      expect(podTemplates(d)[0]!.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(25 + 5 + 5);
    }
  });

  it('points HPAs, PDBs, Services and ServiceMonitors at the API pods', () => {
    for (const name of ['signals', 'reachgraph']) {
      const d = find(objects, 'Deployment', name);
      const labels = podTemplates(d)[0]!.metadata!.labels!;
      const hpa = find(objects, 'HorizontalPodAutoscaler', name)['spec'] as Record<string, unknown>;
      expect(hpa['scaleTargetRef']).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
      expect(hpa['minReplicas']).toBe((d['spec'] as { replicas: number }).replicas);
      const pdb = find(objects, 'PodDisruptionBudget', name)['spec'] as { selector: Record<string, unknown> };
      expect(selects(pdb.selector, labels)).toBe(true);
      const svc = find(objects, 'Service', name);
      expect(
        selects({ matchLabels: (svc['spec'] as { selector: Record<string, string> }).selector }, labels),
      ).toBe(true);
      const sm = find(objects, 'ServiceMonitor', name)['spec'] as {
        selector: Record<string, unknown>;
        endpoints: { port: string; path: string }[];
      };
      expect(selects(sm.selector, svc.metadata.labels ?? {})).toBe(true);
      expect(sm.endpoints).toEqual([expect.objectContaining({ port: 'http', path: '/metrics' })]);
    }
  });

  it('references only ConfigMaps it defines and Secrets the README documents', () => {
    const secrets = documentedSecrets();
    for (const { obj, spec } of pods) {
      for (const v of spec.volumes ?? []) {
        const cm = v['configMap'] as { name: string } | undefined;
        const secret = v['secret'] as { secretName: string } | undefined;
        if (cm) find(objects, 'ConfigMap', cm.name);
        if (secret)
          expect([obj.metadata.name, secrets.has(secret.secretName)]).toEqual([obj.metadata.name, true]);
      }
      for (const c of spec.containers) {
        for (const mount of c.volumeMounts ?? []) {
          expect((spec.volumes ?? []).map((v) => v['name'])).toContain(mount.name);
        }
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.['secretKeyRef'] as { name: string } | undefined;
          if (ref) expect([e.name, secrets.has(ref.name)]).toEqual([e.name, true]);
        }
      }
    }
  });

  it('denies all traffic by default and gives every pod a policy of its own', () => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    const deny = find(objects, 'NetworkPolicy', 'default-deny-all')['spec'] as Record<string, unknown>;
    expect(deny).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const dns = find(objects, 'NetworkPolicy', 'allow-dns')['spec'] as {
      egress: { ports: { port: number }[] }[];
    };
    expect(dns.egress[0]!.ports.map((p) => p.port)).toEqual([53, 53]);
    for (const { obj, labels } of pods) {
      const own = policies.filter((p) => {
        const spec = p['spec'] as { podSelector: Record<string, unknown> };
        return Object.keys(spec.podSelector).length > 0 && selects(spec.podSelector, labels);
      });
      expect([obj.metadata.name, own.length]).toEqual([obj.metadata.name, 1]);
    }
  });

  it('lets ReachGraph reach the Signals port and Signals admit ReachGraph, nothing else in the namespace', () => {
    const rgPod = podTemplates(find(objects, 'Deployment', 'reachgraph'))[0]!.metadata!.labels!;
    const sigPort = podTemplates(find(objects, 'Deployment', 'signals'))[0]!.spec.containers[0]!.ports![0]!
      .containerPort;
    const sigIngress = (
      find(objects, 'NetworkPolicy', 'signals-api')['spec'] as {
        ingress: { from: Record<string, Record<string, unknown>>[]; ports: { port: number }[] }[];
      }
    ).ingress;
    const podPeers = sigIngress.flatMap((r) => r.from.filter((f) => f['podSelector']));
    expect(podPeers).toHaveLength(1);
    expect(selects(podPeers[0]!['podSelector']!, rgPod)).toBe(true);
    expect(sigIngress.flatMap((r) => r.ports.map((p) => p.port))).toEqual([sigPort]);
    const rgEgress = (
      find(objects, 'NetworkPolicy', 'reachgraph-api')['spec'] as {
        egress: { to?: { podSelector: Record<string, unknown> }[]; ports: { port: number }[] }[];
      }
    ).egress;
    const toSignals = rgEgress.find((r) => r.to?.some((t) => t.podSelector));
    expect(toSignals?.ports.map((p) => p.port)).toEqual([sigPort]);
  });

  it('gives Signals containers only settings its configuration reader accepts, and they resolve', () => {
    const cm = find(objects, 'ConfigMap', 'signals-config')['data'] as Record<string, string>;
    const doc = parseYaml(cm['signals.yaml'] as string) as {
      Signals: Record<string, Record<string, unknown>>;
    };
    for (const { obj, spec } of pods.filter((p) => p.obj.metadata.name.startsWith('signals'))) {
      const c = spec.containers[0]!;
      for (const e of c.env ?? []) expect([e.name, SIGNALS_ENV_NAMES.has(e.name)]).toEqual([e.name, true]);
      const env = containerEnv(c, objects);
      // SIGNALS_CONFIG names the file the ConfigMap volume provides.
      const mount = c.volumeMounts!.find((m) => env['SIGNALS_CONFIG']!.startsWith(`${m.mountPath}/`))!;
      const volume = spec.volumes!.find((v) => v['name'] === mount.name)!;
      expect((volume['configMap'] as { name: string }).name).toBe('signals-config');
      expect(env['SIGNALS_CONFIG']!.slice(mount.mountPath.length + 1)).toBe('signals.yaml');
      const command = c.args?.[0];
      if (command === 'serve') {
        // The signing key file is the key of the mounted Secret.
        const keyFile = doc.Signals['Signing']!['KeyFile'] as string;
        const keyMount = c.volumeMounts!.find((m) => keyFile.startsWith(`${m.mountPath}/`))!;
        const keyVolume = spec.volumes!.find((v) => v['name'] === keyMount.name)!['secret'] as {
          items: { path: string }[];
        };
        expect(keyVolume.items.map((i) => i.path)).toContain(keyFile.slice(keyMount.mountPath.length + 1));
        const cfg = resolveConfig(doc, { ...env, SIGNALS_SIGNING_KEY_PEM: testSigningKeyPem() });
        expect(cfg.http.port).toBe(c.ports![0]!.containerPort);
        expect(cfg.cas.backend.kind).toBe('s3');
        expect(cfg.provenance).toMatchObject({ enabled: true, signManifests: true, attestBatches: true });
        expect(cfg.provenance.rekorEnabled).toBe(overlay === 'prod');
      } else {
        expect([obj.metadata.name, command]).toEqual([
          obj.metadata.name,
          obj.kind === 'CronJob' ? 'gc' : 'migrate',
        ]);
        expect(resolveStorageConfig(doc, env).db.url).toBe(SECRET_STAND_INS['SIGNALS_DATABASE_URL']);
      }
    }
  });

  it('gives ReachGraph containers only REACHGRAPH_* variables its reader knows, and they resolve', () => {
    for (const { obj, spec } of pods.filter((p) => p.obj.metadata.name.startsWith('reachgraph'))) {
      const c = spec.containers[0]!;
      const env = containerEnv(c, objects);
      const names = [...Object.keys(env), ...(c.env ?? []).map((e) => e.name)];
      for (const name of names) {
        // Known means the reader picks it up (a valid value) or rejects it by name (an invalid one).
        let known = false;
        try {
          known = Object.keys(readEnv({ [name]: env[name] ?? 'x' })).length === 1;
        } catch (err) {
          known = (err as Error).message.startsWith(name);
        }
        expect([name, known]).toEqual([name, true]);
      }
      if (c.args?.[0] === 'serve') {
        const keyFile = env['REACHGRAPH_SIGNING_KEY_FILE']!;
        const keyMount = c.volumeMounts!.find((m) => keyFile.startsWith(`${m.mountPath}/`))!;
        const keyVolume = spec.volumes!.find((v) => v['name'] === keyMount.name)!['secret'] as {
          items: { path: string }[];
        };
        expect(keyVolume.items.map((i) => i.path)).toContain(keyFile.slice(keyMount.mountPath.length + 1));
        const { REACHGRAPH_SIGNING_KEY_FILE: _file, ...rest } = env;
        const cfg = envToCfg(readEnv({ ...rest, REACHGRAPH_SIGNING_KEY_PEM: testSigningKeyPem() }));
        expect(cfg.service.port).toBe(c.ports![0]!.containerPort);
        expect(cfg.redis?.url).toBe(SECRET_STAND_INS['REACHGRAPH_REDIS_URL']);
        expect(cfg.db.url).toContain('reachgraph_app');
        expect(cfg.signing.signGraphs).toBe(true);
        expect(cfg.signalsUrl).toBe(
          `http://signals:${podTemplates(find(objects, 'Deployment', 'signals'))[0]!.spec.containers[0]!.ports![0]!.containerPort}`,
        );
        expect(cfg.service.logLevel).toBe(overlay === 'dev' ? 'debug' : 'info');
      } else {
        expect([obj.metadata.name, c.args]).toEqual([obj.metadata.name, ['migrate']]);
        const e = readEnv(env);
        expect(e.migrateDatabaseUrl).toBe(SECRET_STAND_INS['REACHGRAPH_MIGRATE_DATABASE_URL']);
        const appConfig = find(objects, 'ConfigMap', 'reachgraph-config')['data'] as Record<string, string>;
        expect(e.appRole).toBe(appConfig['REACHGRAPH_DB_APP_ROLE']);
      }
    }
  });

  it('runs the retention gc CronJob daily, never two at once', () => {
    const cron = find(objects, 'CronJob', 'signals-gc')['spec'] as Record<string, unknown>;
    expect(cron['schedule']).toMatch(/^\d+ \d+ \* \* \*$/);
    expect(cron['concurrencyPolicy']).toBe('Forbid');
  });
});

describe('deploy/k8s ConfigMap signals.yaml', () => {
  it('carries every contract §9 setting with the contract values', () => {
    const objects = render('prod');
    const doc = parseYaml(
      (find(objects, 'ConfigMap', 'signals-config')['data'] as Record<string, string>)[
        'signals.yaml'
      ] as string,
    ) as { Signals: Record<string, Record<string, unknown>> };
    expect(doc.Signals['CAS']).toMatchObject({
      BucketPrefix: 'cas://signals',
      WriteEnabled: true,
      RetentionDays: { RuntimeFacts: 90, OrphanCallgraphs: 30 },
    });
    expect(doc.Signals['Provenance']).toMatchObject({
      Enabled: true,
      SignManifests: true,
      AttestBatches: true,
      RekorEnabled: true,
    });
    expect(doc.Signals['Signing']).toMatchObject({
      KeyId: 'signals-signer-2025-001',
      Algorithm: 'ECDSA-P256-SHA256',
    });
  });
});

describe('deploy/k8s field names', () => {
  it('uses no field the Kubernetes API types lack (tsc excess-property checks on every object)', () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'k8s-types-')));
    try {
      symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
      const lines: string[] = [];
      const imported = new Set<string>();
      let n = 0;
      for (const overlay of Object.keys(OVERLAYS)) {
        for (const o of render(overlay)) {
          const type = `I${o.kind}`;
          if (!imported.has(o.kind)) {
            lines.unshift(`import type { ${type} } from '${modelModule(o)}';`);
            imported.add(o.kind);
          }
          lines.push(`export const o${n++}: ${type} = ${JSON.stringify(o)};`);
        }
      }
      writeFileSync(join(dir, 'manifests.ts'), `${lines.join('\n')}\n`);
      const tsconfig = {
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
        },
        files: ['manifests.ts'],
      };
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
      let output = '';
      try {
        execFileSync(
          process.execPath,
          [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
          {
            cwd: dir,
            encoding: 'utf8',
            stdio: 'pipe',
          },
        );
      } catch (err) {
        output = String((err as { stdout?: string }).stdout);
      }
      expect(output).toBe('');
      expect(n).toBeGreaterThan(40);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
