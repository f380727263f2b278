import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyJsonPatch, find, kustomize } from './kustomize.js';

describe('the test kustomize resolver', () => {
  let dir: string;
  const write = (path: string, text: string) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kustomize-'));
    write(
      'base/app.yaml',
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: { name: app }',
        'spec:',
        '  replicas: 2',
        '  template:',
        '    metadata: { labels: { app: a } }',
        '    spec:',
        '      containers:',
        '        - { name: app, image: "ghcr.io/x/app:1.0", env: [{ name: A, value: "1" }] }',
      ].join('\n'),
    );
    write(
      'base/kustomization.yaml',
      'resources: [app.yaml]\nconfigMapGenerator:\n  - { name: cfg, files: [conf.yaml], literals: ["K=V"] }\ngeneratorOptions: { disableNameSuffixHash: true }\n',
    );
    write('base/conf.yaml', 'a: 1\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('applies namespace, labels, images, replicas and JSON 6902 patches from an overlay', () => {
    write(
      'overlay/kustomization.yaml',
      [
        'namespace: ns',
        'resources: [../base]',
        'labels: [{ pairs: { team: t }, includeSelectors: false, includeTemplates: true }]',
        'images: [{ name: ghcr.io/x/app, newTag: "2.0" }]',
        'replicas: [{ name: app, count: 5 }]',
        'patches: [{ path: p.yaml, target: { kind: Deployment, name: app } }]',
      ].join('\n'),
    );
    write(
      'overlay/p.yaml',
      '- { op: add, path: /spec/template/spec/containers/0/env/-, value: { name: B, value: "2" } }\n',
    );
    const objects = kustomize(join(dir, 'overlay'));
    const d = find(objects, 'Deployment', 'app') as unknown as {
      metadata: { namespace: string; labels: Record<string, string> };
      spec: {
        replicas: number;
        template: {
          metadata: { labels: Record<string, string> };
          spec: { containers: { image: string; env: unknown[] }[] };
        };
      };
    };
    expect(d.metadata).toMatchObject({ namespace: 'ns', labels: { team: 't' } });
    expect(d.spec.replicas).toBe(5);
    expect(d.spec.template.metadata.labels).toEqual({ app: 'a', team: 't' });
    expect(d.spec.template.spec.containers[0]!.image).toBe('ghcr.io/x/app:2.0');
    expect(d.spec.template.spec.containers[0]!.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ]);
    expect(find(objects, 'ConfigMap', 'cfg')['data']).toEqual({ 'conf.yaml': 'a: 1\n', K: 'V' });
  });

  it('refuses fields it does not implement, files outside the root, and patches that match nothing', () => {
    write('o1/kustomization.yaml', 'resources: [../base]\nnamePrefix: x-\n');
    expect(() => kustomize(join(dir, 'o1'))).toThrow('unsupported field namePrefix');
    write(
      'o2/kustomization.yaml',
      'configMapGenerator: [{ name: c, files: [../base/conf.yaml] }]\ngeneratorOptions: { disableNameSuffixHash: true }\n',
    );
    expect(() => kustomize(join(dir, 'o2'))).toThrow('outside the kustomization root');
    write(
      'o3/kustomization.yaml',
      'resources: [../base]\npatches: [{ path: p.yaml, target: { kind: Service } }]\n',
    );
    write('o3/p.yaml', '- { op: remove, path: /spec }\n');
    expect(() => kustomize(join(dir, 'o3'))).toThrow('matches nothing');
    write('o4/kustomization.yaml', 'resources: [../base, ../base/app.yaml]\n');
    expect(() => kustomize(join(dir, 'o4'))).toThrow('Deployment/app is defined twice');
  });

  it('fails a patch whose path does not exist instead of creating it', () => {
    const doc = { spec: { a: [1, 2] } };
    applyJsonPatch(doc, [
      { op: 'replace', path: '/spec/a/1', value: 3 },
      { op: 'remove', path: '/spec/a/0' },
    ]);
    expect(doc).toEqual({ spec: { a: [3] } });
    expect(() => applyJsonPatch(doc, [{ op: 'replace', path: '/spec/b', value: 1 }])).toThrow('no member b');
    expect(() => applyJsonPatch(doc, [{ op: 'add', path: '/nope/x', value: 1 }])).toThrow(
      'nope does not exist',
    );
  });
});
