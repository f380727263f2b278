import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

/** A Kubernetes object as kustomize emits it. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/**
 * The subset of the kustomization fields this resolver implements. Anything else in a
 * kustomization.yaml is an error, so a manifest never silently relies on a feature the tests
 * do not apply.
 */
const SUPPORTED = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'resources',
  'labels',
  'images',
  'replicas',
  'patches',
  'configMapGenerator',
  'generatorOptions',
]);

interface LabelsEntry {
  pairs: Record<string, string>;
  includeSelectors?: boolean;
  includeTemplates?: boolean;
}
interface ImageEntry {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}
interface PatchEntry {
  path?: string;
  patch?: string;
  target?: { kind?: string; name?: string };
}
interface ConfigMapGeneratorEntry {
  name: string;
  files?: string[];
  literals?: string[];
}
interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  labels?: LabelsEntry[];
  images?: ImageEntry[];
  replicas?: { name: string; count: number }[];
  patches?: PatchEntry[];
  configMapGenerator?: ConfigMapGeneratorEntry[];
  generatorOptions?: { disableNameSuffixHash?: boolean };
}

/** A JSON 6902 operation (the patch form the overlays use). */
export interface PatchOp {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

function fail(dir: string, why: string): never {
  throw new Error(`kustomize ${dir}: ${why}`);
}

/** Paths a kustomization reads files from must stay under its root (kustomize's load restrictor). */
function inside(root: string, file: string): string {
  const full = resolve(root, file);
  const rel = relative(root, full);
  if (rel.startsWith('..') || rel === '') fail(root, `${file} is outside the kustomization root`);
  if (!existsSync(full)) fail(root, `${file} does not exist`);
  return full;
}

function readObjects(file: string): K8sObject[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  const out: K8sObject[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
    const value = doc.toJS() as K8sObject | null;
    if (value === null) continue;
    if (!value.apiVersion || !value.kind || !value.metadata?.name) {
      throw new Error(`${file}: every document needs apiVersion, kind and metadata.name`);
    }
    out.push(value);
  }
  return out;
}

function unescapePointer(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Applies JSON 6902 add/replace/remove operations in place; throws when a path does not exist. */
export function applyJsonPatch(target: unknown, ops: PatchOp[]): void {
  for (const op of ops) {
    if (!['add', 'replace', 'remove'].includes(op.op)) throw new Error(`unsupported patch op ${op.op}`);
    const tokens = op.path.split('/').slice(1).map(unescapePointer);
    const last = tokens.pop();
    if (last === undefined) throw new Error(`patch path ${op.path} has no target`);
    let parent: unknown = target;
    for (const t of tokens) {
      const next: unknown =
        Array.isArray(parent) && /^\d+$/.test(t)
          ? parent[Number(t)]
          : parent !== null && typeof parent === 'object'
            ? (parent as Record<string, unknown>)[t]
            : undefined;
      if (next === undefined || next === null) throw new Error(`patch path ${op.path}: ${t} does not exist`);
      parent = next;
    }
    const value = structuredClone(op.value);
    if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : Number(last);
      if (!Number.isInteger(index) || index < 0 || index > parent.length) {
        throw new Error(`patch path ${op.path}: bad index`);
      }
      if (op.op !== 'add' && index >= parent.length) throw new Error(`patch path ${op.path}: no element`);
      if (op.op === 'add') parent.splice(index, 0, value);
      else if (op.op === 'replace') parent[index] = value;
      else parent.splice(index, 1);
    } else if (parent !== null && typeof parent === 'object') {
      const record = parent as Record<string, unknown>;
      if (op.op !== 'add' && !(last in record)) throw new Error(`patch path ${op.path}: no member ${last}`);
      if (op.op === 'remove') delete record[last];
      else record[last] = value;
    } else {
      throw new Error(`patch path ${op.path}: parent is not a container`);
    }
  }
}

/** Pod specs of workloads: Deployment/StatefulSet/DaemonSet/Job templates and CronJob job templates. */
export function podTemplates(
  obj: K8sObject,
): { metadata?: { labels?: Record<string, string> }; spec: PodSpec }[] {
  const spec = obj['spec'] as Record<string, unknown> | undefined;
  if (!spec) return [];
  if (obj.kind === 'CronJob') {
    const job = (spec['jobTemplate'] as { spec?: { template?: unknown } } | undefined)?.spec;
    return job?.template ? [job.template as { spec: PodSpec }] : [];
  }
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'].includes(obj.kind)) {
    return spec['template'] ? [spec['template'] as { spec: PodSpec }] : [];
  }
  return [];
}

/** The parts of a pod spec the tests read. */
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Record<string, unknown>[];
  securityContext?: Record<string, unknown>;
  terminationGracePeriodSeconds?: number;
  [field: string]: unknown;
}

/** The parts of a container the tests read. */
export interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: Record<string, Record<string, unknown>> }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number }[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  [field: string]: unknown;
}

function setImage(image: string, entries: ImageEntry[]): string {
  const at = image.indexOf('@');
  const withoutDigest = at >= 0 ? image.slice(0, at) : image;
  const colon = withoutDigest.lastIndexOf(':');
  const hasTag = colon > withoutDigest.lastIndexOf('/');
  const name = hasTag ? withoutDigest.slice(0, colon) : withoutDigest;
  const entry = entries.find((e) => e.name === name);
  if (!entry) return image;
  const newName = entry.newName ?? name;
  if (entry.digest) return `${newName}@${entry.digest}`;
  const tag = entry.newTag ?? (hasTag ? withoutDigest.slice(colon + 1) : undefined);
  return tag ? `${newName}:${tag}` : newName;
}

function matches(obj: K8sObject, target: PatchEntry['target']): boolean {
  if (!target) return true;
  return (!target.kind || target.kind === obj.kind) && (!target.name || target.name === obj.metadata.name);
}

function configMaps(dir: string, k: Kustomization): K8sObject[] {
  const gens = k.configMapGenerator ?? [];
  if (gens.length > 0 && k.generatorOptions?.disableNameSuffixHash !== true) {
    fail(
      dir,
      'configMapGenerator needs generatorOptions.disableNameSuffixHash: true here (hashes not implemented)',
    );
  }
  return gens.map((g) => {
    const data: Record<string, string> = {};
    for (const spec of g.files ?? []) {
      const eq = spec.indexOf('=');
      const key = eq >= 0 ? spec.slice(0, eq) : spec.split('/').pop()!;
      data[key] = readFileSync(inside(dir, eq >= 0 ? spec.slice(eq + 1) : spec), 'utf8');
    }
    for (const literal of g.literals ?? []) {
      if (typeof literal !== 'string') fail(dir, `literal ${JSON.stringify(literal)} is not a string`);
      const eq = literal.indexOf('=');
      if (eq <= 0) fail(dir, `literal ${literal} is not KEY=VALUE`);
      data[literal.slice(0, eq)] = literal.slice(eq + 1);
    }
    return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: g.name }, data };
  });
}

/**
 * Renders a kustomization directory like `kustomize build` does for the features listed in
 * {@link SUPPORTED}: resources (files and kustomization directories), configMapGenerator,
 * JSON 6902 patches, namespace, labels, images and replicas.
 */
export function kustomize(dir: string): K8sObject[] {
  const root = resolve(dir);
  const file = join(root, 'kustomization.yaml');
  if (!existsSync(file)) fail(root, 'no kustomization.yaml');
  const k = parseYaml(readFileSync(file, 'utf8')) as Kustomization;
  for (const field of Object.keys(k)) if (!SUPPORTED.has(field)) fail(root, `unsupported field ${field}`);
  if (k.kind !== undefined && k.kind !== 'Kustomization') fail(root, `kind is ${k.kind}`);

  const objects: K8sObject[] = [];
  for (const entry of k.resources ?? []) {
    const path = resolve(root, entry);
    if (!existsSync(path)) fail(root, `resource ${entry} does not exist`);
    objects.push(...(statSync(path).isDirectory() ? kustomize(path) : readObjects(path)));
  }
  objects.push(...configMaps(root, k));

  const seen = new Set<string>();
  for (const o of objects) {
    const id = `${o.kind}/${o.metadata.name}`;
    if (seen.has(id)) fail(root, `${id} is defined twice`);
    seen.add(id);
  }

  for (const p of k.patches ?? []) {
    const text = p.path ? readFileSync(inside(root, p.path), 'utf8') : p.patch;
    if (!text) fail(root, 'a patch needs path or patch');
    const ops = parseYaml(text) as unknown;
    if (!Array.isArray(ops)) fail(root, 'only JSON 6902 patches (a list of operations) are implemented');
    const targets = objects.filter((o) => matches(o, p.target));
    if (targets.length === 0) fail(root, `patch ${p.path ?? ''} matches nothing`);
    for (const o of targets) applyJsonPatch(o, ops as PatchOp[]);
  }
  if (k.namespace) for (const o of objects) o.metadata.namespace = k.namespace;
  for (const l of k.labels ?? []) {
    if (l.includeSelectors) fail(root, 'labels.includeSelectors is not implemented');
    for (const o of objects) {
      o.metadata.labels = { ...o.metadata.labels, ...l.pairs };
      if (l.includeTemplates) {
        for (const t of podTemplates(o))
          t.metadata = { ...t.metadata, labels: { ...t.metadata?.labels, ...l.pairs } };
      }
    }
  }
  for (const o of objects) {
    for (const t of podTemplates(o)) {
      for (const c of [...t.spec.containers, ...(t.spec.initContainers ?? [])]) {
        c.image = setImage(c.image, k.images ?? []);
      }
    }
  }
  for (const r of k.replicas ?? []) {
    const target = objects.find(
      (o) => o.metadata.name === r.name && ['Deployment', 'StatefulSet'].includes(o.kind),
    );
    if (!target) fail(root, `replicas: no workload ${r.name}`);
    (target['spec'] as Record<string, unknown>)['replicas'] = r.count;
  }
  return objects;
}

/** The object of a kind and name, or an error naming what is missing. */
export function find<T extends K8sObject = K8sObject>(objects: K8sObject[], kind: string, name: string): T {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found as T;
}
