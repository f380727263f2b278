import { readdirSync, readFileSync } from 'node:fs';

/**
 * The bucket policies in deploy/iam against the contract's access table (§3.2): a small IAM
 * evaluator (explicit Deny wins, then any matching Allow; `*`/`?` wildcards; StringLike and
 * StringEquals conditions) asked every operation on every prefix for every principal.
 */
const DIR = new URL('../../../deploy/iam/', import.meta.url);
const BUCKET = 'signals';
const PREFIXES = ['callgraphs', 'manifests', 'runtime-facts', 'attestations'] as const;
type Op = 'read' | 'write' | 'delete' | 'list';

interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}
interface Policy {
  Version: string;
  Statement: Statement[];
}

const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
const glob = (pattern: string, value: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  ).test(value);

function conditionsHold(cond: Statement['Condition'], context: Record<string, string>): boolean {
  for (const [operator, keys] of Object.entries(cond ?? {})) {
    for (const [key, expected] of Object.entries(keys)) {
      const actual = context[key];
      if (actual === undefined) return false;
      const ok =
        operator === 'StringLike'
          ? list(expected).some((e) => glob(e, actual))
          : operator === 'StringEquals'
            ? list(expected).includes(actual)
            : false;
      if (!ok) return false;
    }
  }
  return true;
}

function allowed(
  policy: Policy | undefined,
  action: string,
  resource: string,
  context: Record<string, string> = {},
) {
  if (!policy) return false;
  const matching = policy.Statement.filter(
    (s) =>
      list(s.Action).some((a) => glob(a, action)) &&
      list(s.Resource).some((r) => glob(r, resource)) &&
      conditionsHold(s.Condition, context),
  );
  if (matching.some((s) => s.Effect === 'Deny')) return false;
  return matching.some((s) => s.Effect === 'Allow');
}

function can(policy: Policy | undefined, op: Op, prefix: string): boolean {
  const object = `arn:aws:s3:::${BUCKET}/${prefix}/01HWXYZ123456789ABCDEFGHJK.json`;
  switch (op) {
    case 'read':
      return allowed(policy, 's3:GetObject', object);
    case 'write':
      return allowed(policy, 's3:PutObject', object);
    case 'delete':
      return allowed(policy, 's3:DeleteObject', object);
    case 'list':
      return allowed(policy, 's3:ListBucket', `arn:aws:s3:::${BUCKET}`, {
        's3:prefix': `${prefix}/tenant-a/`,
      });
  }
}

const policies: Record<string, Policy> = Object.fromEntries(
  readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(new URL(f, DIR), 'utf8')) as Policy]),
);

const ALL = (ops: Op[]) => Object.fromEntries(PREFIXES.map((p) => [p, ops]));
// §3.2: read = get + list, write = put; delete only for the service itself and only where GC works.
const TABLE: Record<string, Record<string, Op[]>> = {
  'signals-service': {
    callgraphs: ['read', 'list', 'write', 'delete'],
    manifests: ['read', 'list', 'write'],
    'runtime-facts': ['read', 'list', 'write', 'delete'],
    attestations: ['read', 'list', 'write'],
  },
  'policy-engine': ALL(['read', 'list']),
  'audit-service': ALL(['read', 'list']),
  'scanner-worker': { callgraphs: ['write'], manifests: [], 'runtime-facts': [], attestations: [] },
  // All others: deny (no document).
  'runtime-agent': ALL([]),
  'reachgraph-service': ALL([]),
  'web-console': ALL([]),
};

describe('deploy/iam bucket policies (contract §3.2)', () => {
  it('has exactly one document per principal of the table, in IAM policy form', () => {
    expect(Object.keys(policies).sort()).toEqual([
      'audit-service',
      'policy-engine',
      'scanner-worker',
      'signals-service',
    ]);
    for (const p of Object.values(policies)) {
      expect(p.Version).toBe('2012-10-17');
      for (const s of p.Statement) {
        expect(['Allow', 'Deny']).toContain(s.Effect);
        expect(list(s.Action).every((a) => a.startsWith('s3:') && a !== 's3:*')).toBe(true);
      }
    }
  });

  const cases: [string, string, Op, boolean][] = [];
  for (const [principal, row] of Object.entries(TABLE)) {
    for (const prefix of PREFIXES) {
      for (const op of ['read', 'write', 'delete', 'list'] as Op[]) {
        cases.push([principal, prefix, op, row[prefix]?.includes(op) ?? false]);
      }
    }
  }
  it.each(cases)('%s on %s/: %s → %s', (principal, prefix, op, expected) => {
    expect(can(policies[principal], op, prefix)).toBe(expected);
  });

  it('grants nothing outside the four prefixes and no bucket administration', () => {
    for (const policy of Object.values(policies)) {
      for (const op of ['read', 'write', 'delete'] as Op[]) expect(can(policy, op, 'other')).toBe(false);
      for (const action of [
        's3:DeleteBucket',
        's3:PutBucketPolicy',
        's3:PutBucketAcl',
        's3:PutLifecycleConfiguration',
      ]) {
        expect(allowed(policy, action, `arn:aws:s3:::${BUCKET}`)).toBe(false);
      }
    }
  });

  it('lets only the Signals service delete, and never manifests or attestations', () => {
    const deleters = Object.entries(policies)
      .filter(([, p]) => PREFIXES.some((prefix) => can(p, 'delete', prefix)))
      .map(([name]) => name);
    expect(deleters).toEqual(['signals-service']);
    const service = policies['signals-service'];
    expect(allowed(service, 's3:DeleteObjectVersion', `arn:aws:s3:::${BUCKET}/attestations/x.dsse`)).toBe(
      false,
    );
  });
});
