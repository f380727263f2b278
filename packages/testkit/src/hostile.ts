import { request as httpRequest } from 'node:http';
import { deflateSync, gzipSync } from 'node:zlib';
import { isCoreError, validate } from '@stella-ops/core';

/**
 * Hostile input for fuzz and security tests of the HTTP services: strings that attack paths and
 * SQL, bodies that attack parsers and decompressors, and an oracle that says what is wrong with an
 * answer (a 5xx, a rejection that is not problem+json with a known code, a leaked internal).
 */

/** Path-traversal attempts as they could appear in an id, a digest or a purl. */
export const TRAVERSAL: readonly string[] = [
  '../../../../etc/passwd',
  '..%2f..%2f..%2fetc%2fpasswd',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '..\\..\\windows\\win.ini',
  '....//....//etc/passwd',
  '/etc/passwd',
  'sha256:../../../../etc/passwd',
  'blake3:../../subgraphs',
  `sha256:${'0'.repeat(62)}/..`,
  'pkg:npm/../../../etc/passwd@1.0.0',
  'pkg:npm/%2e%2e/%2e%2e/secret@1',
  'pkg:npm/left-pad@1.0.0/../../tenant-b',
  'callgraphs/tenant-b/01JFA6T1Y5V7Q0J8B7C9D3E4F5.ndjson.zst',
  '01JFA6T1Y5V7Q0J8B7C9D3E4F5/../../tenant-b',
  '.',
  '..',
  '%00',
  'a\u0000b',
  '\u202e\u0000',
];

/** SQL injection attempts (classic, stacked, LIKE wildcards, comments, encodings). */
export const SQL_INJECTION: readonly string[] = [
  "' OR '1'='1",
  "' OR 1=1 --",
  "1'; DROP TABLE callgraphs; --",
  "'; SELECT pg_sleep(5); --",
  "tenant-a' --",
  '" OR ""="',
  "') OR ('a'='a",
  '%',
  '_',
  '%25',
  '\\',
  "pkg:npm/left-pad@%' OR '1'='1",
  'pkg:npm/%25@%25',
  "sha256:' UNION SELECT digest FROM callgraphs --",
  '1 UNION SELECT NULL,NULL,NULL--',
  '$$; DROP SCHEMA reachgraph CASCADE; $$',
  "E'\\x27 OR 1=1'",
  '/**/OR/**/1=1',
];

/** A JSON document nested `depth` levels deep (arrays, or objects when `objects`). */
export function deepJson(depth: number, objects = false): string {
  return objects
    ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
    : `${'['.repeat(depth)}1${']'.repeat(depth)}`;
}

/** Byte sequences that are not UTF-8 (lone continuation, overlong, surrogate, truncated, 0xFF). */
export const INVALID_UTF8: readonly Buffer[] = [
  Buffer.from([0x80]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xe2, 0x82]),
  Buffer.from([0xff, 0xfe]),
  Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]),
  Buffer.from([0xf4, 0x90, 0x80, 0x80]),
];

/** `bytes` with `insert` spliced in at `at` (clamped). */
export function splice(bytes: Buffer, at: number, insert: Buffer): Buffer {
  const i = Math.max(0, Math.min(bytes.length, at));
  return Buffer.concat([bytes.subarray(0, i), insert, bytes.subarray(i)]);
}

/**
 * A compression bomb: `gzip` or `deflate` members of 16 MiB of zeros, repeated until the
 * decompressed size reaches `decompressedMiB` (the wire size stays ~16 KiB per 16 MiB). Node's
 * gunzip reads concatenated members; deflate is one stream, so it is compressed in one go.
 */
export function compressionBomb(kind: 'gzip' | 'deflate', decompressedMiB: number): Buffer {
  const chunk = Buffer.alloc(16 * 1024 * 1024);
  if (kind === 'deflate') return deflateSync(Buffer.alloc(decompressedMiB * 1024 * 1024), { level: 9 });
  const member = gzipSync(chunk, { level: 9 });
  return Buffer.concat(Array.from({ length: Math.ceil(decompressedMiB / 16) }, () => member));
}

/** Text that betrays internals: stack frames, source paths, SQL, driver and runtime messages. */
const LEAKS: readonly [string, RegExp][] = [
  ['stack frame', /\bat [\w$.<>]+ \(|\n\s+at /],
  ['source path', /(\/work\/|\/home\/|\/usr\/|node_modules|[\w-]+\.(?:ts|js|mjs|cjs):\d+)/],
  [
    'SQL',
    /\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|relation "|syntax error at|violates|pg_catalog)\b/i,
  ],
  ['driver', /\b(ECONNREFUSED|ECONNRESET|ioredis|kysely|postgres(ql)?:\/\/|s3rver|AccessDenied|NoSuchKey)\b/],
  ['runtime', /\b(TypeError|RangeError|ReferenceError|SyntaxError|Maximum call stack|Cannot read propert)/],
];

/** What in `text` looks like a leaked internal (empty when nothing does). */
export function leaksIn(text: string): string[] {
  return LEAKS.filter(([, re]) => re.test(text)).map(([name]) => name);
}

/** The parts of an HTTP answer the oracle looks at (supertest's `Response` has them). */
export interface AnswerLike {
  status: number;
  headers: Record<string, unknown>;
  text?: string;
  body?: unknown;
}

function decoded(s: string): string {
  try {
    return decodeURIComponent(s.replaceAll('+', ' '));
  } catch {
    return s;
  }
}

/**
 * `value` (a problem body) without what the client sent: an answer may quote its input, whole or
 * as a shortened excerpt in quotes (`"…"`); quotes are no leak.
 */
function withoutEchoes(value: unknown, sent: readonly string[]): unknown {
  const forms = sent.flatMap((s) => [s, decoded(s)]).filter((s) => s.length >= 2);
  const scrub = (text: string): string => {
    let out = text;
    for (const s of forms) out = out.split(s).join('');
    return out.replace(/"((?:[^"\\]|\\.)*)"/g, (quote, inner: string) => {
      const core = inner.replace(/…$/, '').replace(/\\(.)/g, '$1');
      return core.length >= 2 && forms.some((s) => s.includes(core)) ? '""' : quote;
    });
  };
  if (typeof value === 'string') return scrub(value);
  if (Array.isArray(value)) return value.map((v) => withoutEchoes(v, sent));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutEchoes(v, sent)]));
  }
  return value;
}

/**
 * What is wrong with an answer to hostile input: a 5xx, an error that is not `problem+json`, a
 * problem that does not conform to `problem@v1` or carries a code outside `knownCodes`, a status
 * that disagrees with the body, or a leak (`instance` and quotes of `sent` are not scanned). Empty
 * when the answer is acceptable.
 */
export function answerViolations(
  res: AnswerLike,
  knownCodes: ReadonlySet<string>,
  sent: readonly string[] = [],
): string[] {
  const out: string[] = [];
  if (res.status >= 500) out.push(`status ${res.status}`);
  const type = String(res.headers['content-type'] ?? '');
  const text = res.text ?? '';
  if (res.status >= 400) {
    if (!type.startsWith('application/problem+json')) out.push(`content-type ${type || '(none)'}`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      out.push('body is not JSON');
    }
    if (body !== undefined) {
      try {
        validate('problem@v1', body);
      } catch (err) {
        out.push(isCoreError(err) ? `not problem@v1: ${err.message}` : 'not problem@v1');
      }
      const p = body as { code?: unknown; status?: unknown; instance?: unknown };
      if (typeof p.code !== 'string' || !knownCodes.has(p.code)) out.push(`unknown code ${String(p.code)}`);
      if (p.status !== res.status) out.push(`body status ${String(p.status)} ≠ ${res.status}`);
      const { instance: _path, ...rest } = (body ?? {}) as Record<string, unknown>;
      for (const leak of leaksIn(JSON.stringify(withoutEchoes(rest, sent)))) out.push(`leaks ${leak}`);
    }
  }
  return out;
}

/** Counts the cases run per endpoint and the answers they got, for the report. */
export class CaseLedger {
  private readonly rows = new Map<
    string,
    { cases: number; numRuns: number; statuses: Map<string, number> }
  >();

  /** Declares an endpoint with its configured fast-check `numRuns` (shown in the table). */
  plan(endpoint: string, numRuns: number): void {
    const row = this.rows.get(endpoint);
    if (row) row.numRuns += numRuns;
    else this.rows.set(endpoint, { cases: 0, numRuns, statuses: new Map() });
  }

  /** Records one request sent to `endpoint` and the status and code it got. */
  record(endpoint: string, status: number, code?: string): void {
    let row = this.rows.get(endpoint);
    if (!row) {
      row = { cases: 0, numRuns: 0, statuses: new Map() };
      this.rows.set(endpoint, row);
    }
    row.cases++;
    const key = code ? `${status} ${code}` : String(status);
    row.statuses.set(key, (row.statuses.get(key) ?? 0) + 1);
  }

  /** Total requests recorded. */
  get total(): number {
    let n = 0;
    for (const r of this.rows.values()) n += r.cases;
    return n;
  }

  /** A Markdown table: endpoint, numRuns, requests sent, answers by status and code. */
  table(): string {
    const lines = [
      '| endpoint | numRuns | requests | answers (status code × count) |',
      '| --- | ---: | ---: | --- |',
    ];
    for (const [endpoint, r] of this.rows) {
      const answers = [...r.statuses.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, n]) => `${k} ×${n}`)
        .join(', ');
      lines.push(`| ${endpoint} | ${r.numRuns} | ${r.cases} | ${answers} |`);
    }
    lines.push(`| **total** | | **${this.total}** | |`);
    return lines.join('\n');
  }
}

/** An answer read by {@link rawRequest}: status, headers, the body as text and (if JSON) parsed. */
export interface RawAnswer {
  status: number;
  headers: Record<string, unknown>;
  text: string;
  body: unknown;
}

/**
 * One request through `node:http`, for what supertest will not send (oversized headers) or
 * changes (it re-serialises a Buffer body sent as JSON): any method, path, headers and body bytes,
 * on 127.0.0.1:`port`.
 */
export function rawRequest(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: parsed });
      });
      res.on('error', reject);
    });
    // A server that answered before reading the whole body (413) may reset the upload: that is fine.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    req.end(body);
  });
}
