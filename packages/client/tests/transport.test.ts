import { Readable } from 'node:stream';
import { blake3, sha256 } from '@stella-ops/core';
import {
  createReachGraphClient,
  createSignalsClient,
  parseRetryAfter,
  StellaApiError,
} from '../src/index.js';
import { json, type LocalServer, problem, startLocalServer } from './local-server.js';

let server: LocalServer;
beforeAll(async () => {
  server = await startLocalServer();
});
afterAll(() => server.close());

const DIGEST = `blake3:${'a'.repeat(64)}`;

function client(over: Parameters<typeof createReachGraphClient>[0] = { baseUrl: '' }) {
  return createReachGraphClient({ retryBaseDelayMs: 10, ...over, baseUrl: server.url });
}

async function failure(p: Promise<unknown>): Promise<StellaApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof StellaApiError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates, and ignores nonsense', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('errors', () => {
  it('carries the problem+json code, status and body', async () => {
    server.script(problem(404, 'GRAPH_NOT_FOUND'));
    const err = await failure(client().byArtifact(`sha256:${'0'.repeat(64)}`));
    expect(err.status).toBe(404);
    expect(err.code).toBe('GRAPH_NOT_FOUND');
    expect(err.problem.detail).toBe('GRAPH_NOT_FOUND detail');
  });

  it('makes up HTTP_<status> when the answer is not problem+json', async () => {
    server.script((_q, res) => {
      res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway');
    });
    const err = await failure(client({ baseUrl: '', retries: 0 }).byArtifact(`sha256:${'0'.repeat(64)}`));
    expect(err.code).toBe('HTTP_502');
    expect(err.status).toBe(502);
  });

  it('sends the bearer token from a provider, asked again on every attempt', async () => {
    let n = 0;
    server.script(problem(503, 'DEPENDENCY_UNAVAILABLE'), json({ artifactDigest: 'x', graphs: [] }));
    await client({ baseUrl: '', token: () => `t${++n}` }).byArtifact(`sha256:${'0'.repeat(64)}`);
    expect(server.seen.map((s) => s.headers.authorization)).toEqual(['Bearer t1', 'Bearer t2']);
    expect(server.seen[0]?.headers['user-agent']).toMatch(/^stella-client\//);
  });
});

describe('retries', () => {
  it('waits the Retry-After seconds on 429, then succeeds', async () => {
    server.script(
      problem(429, 'RATE_LIMITED', { 'retry-after': '1' }),
      json({ artifactDigest: 'x', graphs: [] }),
    );
    const got = await client().byArtifact(`sha256:${'0'.repeat(64)}`);
    expect(got.graphs).toEqual([]);
    const [first, second] = server.seen;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });

  it('honours Retry-After as an HTTP date', async () => {
    server.script(
      (_q, res) => {
        const at = new Date(Date.now() + 2000).toUTCString();
        res.writeHead(503, { 'retry-after': at, 'content-type': 'application/problem+json' });
        res.end(JSON.stringify({ type: 'x', title: 'x', status: 503, code: 'CAS_READ_ONLY' }));
      },
      json({ artifactDigest: 'x', graphs: [] }),
    );
    await client().byArtifact(`sha256:${'0'.repeat(64)}`);
    expect(server.seen).toHaveLength(2);
    expect(server.seen[1]!.at - server.seen[0]!.at).toBeGreaterThanOrEqual(900);
  });

  it('gives up after `retries` retries with the last problem and its Retry-After', async () => {
    server.script(...Array.from({ length: 3 }, () => problem(429, 'RATE_LIMITED', { 'retry-after': '0' })));
    const err = await failure(client({ baseUrl: '', retries: 2 }).byArtifact(`sha256:${'0'.repeat(64)}`));
    expect(err.code).toBe('RATE_LIMITED');
    expect(err.retryAfterSeconds).toBe(0);
    expect(server.seen).toHaveLength(3);
  });

  it('does not wait for a Retry-After longer than maxRetryDelayMs', async () => {
    server.script(problem(503, 'CAS_READ_ONLY', { 'retry-after': '60' }));
    const err = await failure(
      client({ baseUrl: '', maxRetryDelayMs: 1000 }).byArtifact(`sha256:${'0'.repeat(64)}`),
    );
    expect(err.code).toBe('CAS_READ_ONLY');
    expect(err.retryAfterSeconds).toBe(60);
    expect(server.seen).toHaveLength(1);
  });

  it('does not retry other errors (400, 404, 500)', async () => {
    server.script(problem(500, 'INTERNAL'), json({}));
    const err = await failure(client().byArtifact(`sha256:${'0'.repeat(64)}`));
    expect(err.code).toBe('INTERNAL');
    expect(server.seen).toHaveLength(1);
  });

  it('does not retry a streamed upload (it cannot be sent twice)', async () => {
    server.script(problem(503, 'CAS_READ_ONLY', { 'retry-after': '0' }), json({}));
    const signals = createSignalsClient({ baseUrl: server.url, retryBaseDelayMs: 10 });
    const body = Readable.from([Buffer.from('{"type":"header"}\n')]);
    const err = await failure(signals.pushCallgraph(body));
    expect(err.code).toBe('CAS_READ_ONLY');
    expect(server.seen).toHaveLength(1);
    expect(server.seen[0]!.body.toString()).toBe('{"type":"header"}\n');
    expect(server.seen[0]!.headers['content-type']).toBe('application/x-ndjson');
  });

  it('retries a network error for an idempotent request, not for an upload without an Idempotency-Key', async () => {
    server.script(
      (_q, res) => {
        res.socket?.destroy();
      },
      json({ artifactDigest: 'x', graphs: [] }),
    );
    await client().byArtifact(`sha256:${'0'.repeat(64)}`);
    expect(server.seen).toHaveLength(2);

    server.script((_q, res) => {
      res.socket?.destroy();
    });
    const signals = createSignalsClient({ baseUrl: server.url, retryBaseDelayMs: 10 });
    const err = await failure(signals.pushCallgraph('{"type":"header"}\n', { idempotencyKey: false }));
    expect(err.code).toBe('NETWORK_ERROR');
    expect(server.seen[0]!.headers['idempotency-key']).toBeUndefined();
    expect(err.status).toBe(0);
    expect(server.seen).toHaveLength(1);
  });
});

describe('timeouts', () => {
  it('fails an attempt with TIMEOUT when no answer comes within timeoutMs', async () => {
    server.script(...Array.from({ length: 2 }, () => () => new Promise<void>(() => {})));
    const err = await failure(
      client({ baseUrl: '', timeoutMs: 200, retries: 1 }).byArtifact(`sha256:${'0'.repeat(64)}`),
    );
    expect(err.code).toBe('TIMEOUT');
    expect(server.seen).toHaveLength(2);
  });

  it('times out a body that stalls between chunks', async () => {
    server.script((_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"artifactDigest":');
    });
    const err = await failure(client({ baseUrl: '', timeoutMs: 300 }).byArtifact(`sha256:${'0'.repeat(64)}`));
    expect(err.code).toBe('TIMEOUT');
  });

  it('stops when the caller aborts', async () => {
    server.script(() => new Promise<void>(() => {}));
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 100);
    const err = await failure(client().byArtifact(`sha256:${'0'.repeat(64)}`, { signal: ctl.signal }));
    expect(err.code).toBe('ABORTED');
  });
});

describe('verified downloads', () => {
  it('returns a graph whose bytes hash to the digest asked for', async () => {
    const bytes = Buffer.from('{"schemaVersion":"x"}');
    const digest = await blake3(bytes);
    server.script((_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(bytes);
    });
    const got = await client().get(digest);
    expect(got.bytes.equals(bytes)).toBe(true);
    expect(server.seen[0]!.url).toBe(`/v1/reachgraphs/${encodeURIComponent(digest)}`);
  });

  it('refuses a graph whose bytes do not hash to the digest: DIGEST_MISMATCH, never data', async () => {
    server.script((_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"tampered":true}');
    });
    const err = await failure(client().get(DIGEST));
    expect(err.code).toBe('DIGEST_MISMATCH');
  });

  it('refuses a DSSE envelope whose payload is not the graph', async () => {
    server.script(json({ payloadType: 'x', payload: Buffer.from('{}').toString('base64'), signatures: [] }));
    const err = await failure(client().dsse(DIGEST));
    expect(err.code).toBe('DIGEST_MISMATCH');
  });

  it('refuses a call graph whose bytes differ from X-Content-Digest, and one fetched by digest that differs', async () => {
    const signals = createSignalsClient({ baseUrl: server.url });
    const body = '{"type":"header"}\n';
    server.script(
      (_q, res) => {
        res.writeHead(200, { 'x-content-digest': sha256('other'), 'x-callgraph-id': 'g' }).end(body);
      },
      (_q, res) => {
        res.writeHead(200, { 'x-content-digest': sha256(body), 'x-callgraph-id': 'g' }).end(body);
      },
    );
    expect((await failure(signals.getCallgraph('01J00000000000000000000000'))).code).toBe('DIGEST_MISMATCH');
    expect((await failure(signals.getCallgraphByDigest(sha256('else')))).code).toBe('DIGEST_MISMATCH');
  });

  it('refuses a fact batch whose bytes differ from its provenance hash', async () => {
    const signals = createSignalsClient({ baseUrl: server.url });
    server.script((_q, res) => {
      res.writeHead(200, { 'x-provenance-hash': sha256('x'), 'x-batch-id': 'b' }).end('{"symbolId":"a"}\n');
    });
    expect((await failure(signals.getFactBatch('01J00000000000000000000000'))).code).toBe('DIGEST_MISMATCH');
  });
});

describe('call graph headers', () => {
  it('writes a header from purl and language when the upload has none', async () => {
    server.script(json({ graphId: 'g' }, 201));
    const signals = createSignalsClient({ baseUrl: server.url });
    await signals.pushCallgraph('{"type":"node","id":"a"}\n', {
      purl: 'pkg:npm/a@1',
      language: 'javascript',
    });
    const lines = server.seen[0]!.body.toString().trim().split('\n');
    expect(JSON.parse(lines[0]!)).toEqual({
      type: 'header',
      schemaVersion: 'stella.callgraph@v1',
      language: 'javascript',
      source: 'stella-client',
      componentPurl: 'pkg:npm/a@1',
    });
    expect(lines[1]).toBe('{"type":"node","id":"a"}');
  });

  it('does the same for a stream, and refuses a header that disagrees', async () => {
    server.script(json({ graphId: 'g' }, 201));
    const signals = createSignalsClient({ baseUrl: server.url });
    const chunks = ['{"type":"no', 'de","id":"a"}\n{"type":"node","id":"b"}\n'];
    await signals.pushCallgraph(Readable.from(chunks), { purl: 'pkg:npm/a@1', language: 'java' });
    const lines = server.seen[0]!.body.toString().trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0]!).language).toBe('java');

    const header = JSON.stringify({ type: 'header', language: 'go', componentPurl: 'pkg:npm/a@1' });
    const err = await failure(signals.pushCallgraph(`${header}\n`, { language: 'java' }));
    expect(err.code).toBe('HEADER_CONFLICT');
  });
});

describe('streamed call graph header conflicts', () => {
  it('reports HEADER_CONFLICT (not a network error) when a streamed header disagrees', async () => {
    server.script(json({ graphId: 'g' }, 201));
    const signals = createSignalsClient({ baseUrl: server.url });
    const header = JSON.stringify({ type: 'header', language: 'go', componentPurl: 'pkg:npm/a@1' });
    const err = await failure(signals.pushCallgraph(Readable.from([`${header}\n`]), { language: 'java' }));
    expect(err.code).toBe('HEADER_CONFLICT');
  });
});

describe('feed resumption', () => {
  const line = (n: number) =>
    JSON.stringify({
      batchId: '01JAAAAAAAAAAAAAAAAAAAAAAA',
      ingestedAt: '2026-01-01T00:00:00Z',
      fact: { symbolId: `s${n}`, hitCount: 1, observedAt: '2026-01-01T00:00:00Z', factType: 'invocation' },
      cursor: `c${n}`,
    });

  it('reconnects from the last cursor when the connection drops mid-stream', async () => {
    server.script(
      (_q, res) => {
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        res.write(`${line(1)}\n${line(2)}\n${line(3).slice(0, 20)}`);
        setTimeout(() => res.socket?.destroy(), 50);
      },
      (_q, res) => {
        res.writeHead(200, { 'content-type': 'application/x-ndjson' }).end(`${line(3)}\n`);
      },
    );
    const signals = createSignalsClient({ baseUrl: server.url, retryBaseDelayMs: 10 });
    const seen: string[] = [];
    for await (const l of signals.streamFacts({ callgraphId: '01JAAAAAAAAAAAAAAAAAAAAAAA' }))
      seen.push(l.fact.symbolId);
    expect(seen).toEqual(['s1', 's2', 's3']);
    expect(server.seen[0]!.url).toBe('/signals/runtime-facts/ndjson?callgraph_id=01JAAAAAAAAAAAAAAAAAAAAAAA');
    expect(server.seen[1]!.url).toBe(
      '/signals/runtime-facts/ndjson?callgraph_id=01JAAAAAAAAAAAAAAAAAAAAAAA&cursor=c2',
    );
  });

  it('does not resume when asked not to', async () => {
    server.script((_q, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write(`${line(1)}\n`);
      setTimeout(() => res.socket?.destroy(), 50);
    });
    const signals = createSignalsClient({ baseUrl: server.url });
    const seen: string[] = [];
    const err = await failure(
      (async () => {
        for await (const l of signals.streamFacts({ resume: false })) seen.push(l.fact.symbolId);
      })(),
    );
    expect(err.code).toBe('NETWORK_ERROR');
    expect(seen).toEqual(['s1']);
  });
});

describe('body factories', () => {
  it('stream a fresh body on every attempt, so a streamed upload is retried after 503', async () => {
    server.script(problem(503, 'DEPENDENCY_UNAVAILABLE', { 'retry-after': '0' }), json({ digest: 'd' }, 201));
    let opened = 0;
    const body = () => {
      opened++;
      return Readable.from([Buffer.from('{"schemaVersion":'), Buffer.from('"x"}')]);
    };
    const got = await client().upsert(body);
    expect(got.digest).toBe('d');
    expect(opened).toBe(2);
    expect(server.seen.map((s) => s.body.toString())).toEqual([
      '{"schemaVersion":"x"}',
      '{"schemaVersion":"x"}',
    ]);
  });

  it('write the call graph header on every attempt, and refuse a conflicting header before any request', async () => {
    server.script(problem(429, 'RATE_LIMITED', { 'retry-after': '0' }), json({ graphId: 'g' }, 201));
    const signals = createSignalsClient({ baseUrl: server.url, retryBaseDelayMs: 10 });
    const nodes = () => Readable.from(['{"type":"node","id":"a"}\n']);
    await signals.pushCallgraph(nodes, { purl: 'pkg:npm/a@1', language: 'go' });
    expect(server.seen).toHaveLength(2);
    for (const seen of server.seen) {
      const lines = seen.body.toString().trim().split('\n');
      expect(JSON.parse(lines[0]!)).toMatchObject({ type: 'header', language: 'go' });
      expect(lines).toHaveLength(2);
    }

    server.script(json({ graphId: 'g' }, 201));
    const header = () => Readable.from([`${JSON.stringify({ type: 'header', language: 'go' })}\n`]);
    const err = await failure(signals.pushCallgraph(header, { language: 'java' }));
    expect(err.code).toBe('HEADER_CONFLICT');
    expect(server.seen).toHaveLength(0);
  });
});

describe('failures before the request', () => {
  it('lets a token provider’s error through as itself, without a request', async () => {
    server.script(json({}));
    const boom = new Error('no credentials');
    const c = client({ baseUrl: '', token: () => Promise.reject(boom) });
    await expect(c.byArtifact(`sha256:${'0'.repeat(64)}`)).rejects.toBe(boom);
    expect(server.seen).toHaveLength(0);
  });

  it('lets a body factory’s error through (e.g. a file gone on retry)', async () => {
    server.script(problem(503, 'DEPENDENCY_UNAVAILABLE', { 'retry-after': '0' }));
    let n = 0;
    const gone = Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    const body = () => {
      if (n++ > 0) throw gone;
      return Readable.from(['{}']);
    };
    await expect(client().upsert(body)).rejects.toBe(gone);
    expect(server.seen).toHaveLength(1);
  });
});

describe('idempotency keys', () => {
  it('send one key per upload and retry a lost answer with the same key', async () => {
    server.script(
      (_q, res) => {
        res.socket?.destroy();
      },
      json({ graphId: 'g' }, 200),
      json({ graphId: 'h' }, 201),
    );
    const signals = createSignalsClient({ baseUrl: server.url, retryBaseDelayMs: 10 });
    expect((await signals.pushCallgraph('{"type":"header"}\n')).graphId).toBe('g');
    const [first, retry] = server.seen;
    expect(first!.headers['idempotency-key']).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(retry!.headers['idempotency-key']).toBe(first!.headers['idempotency-key']);
    await signals.pushCallgraph('{"type":"header"}\n', { idempotencyKey: 'job-42' });
    expect(server.seen[2]!.headers['idempotency-key']).toBe('job-42');
  });

  it('do the same for runtime facts', async () => {
    server.script(
      (_q, res) => {
        res.socket?.destroy();
      },
      json({ provenance: {}, attestation: {}, merged: 0 }, 201),
    );
    const signals = createSignalsClient({ baseUrl: server.url, retryBaseDelayMs: 10 });
    await signals.pushRuntimeFacts('{"symbolId":"a"}\n', { callgraphId: 'c', source: 's' });
    expect(server.seen).toHaveLength(2);
    expect(server.seen[1]!.headers['idempotency-key']).toBe(server.seen[0]!.headers['idempotency-key']);
  });
});
