/**
 * A small closed-loop HTTP load generator: `concurrency` workers on keep-alive connections issue
 * `requests` requests in total and record each latency (from write to the last byte read).
 * Bounded in count and time; loopback only.
 */
import http from 'node:http';

/** Percentile (nearest rank) of sorted numbers. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function summarize(latencies) {
  const s = [...latencies].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    max: s[s.length - 1],
  };
}

function once(agent, base, req) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const r = http.request(
      new URL(req.path, base),
      { method: req.method ?? 'GET', headers: req.headers ?? {}, agent },
      (res) => {
        let bytes = 0;
        res.on('data', (c) => {
          bytes += c.length;
        });
        res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - started, bytes }));
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end(req.body);
  });
}

/**
 * Runs `requests` requests made by `make(i)` with `concurrency` in flight; fails when a status is not
 * `expect` (a benchmark of errors measures nothing). Stops after `maxSeconds` whatever remains.
 */
export async function load(base, { requests, concurrency = 1, make, expect = [200], maxSeconds = 300 }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies = [];
  let next = 0;
  let bytes = 0;
  const deadline = Date.now() + maxSeconds * 1000;
  const started = performance.now();
  async function worker() {
    while (next < requests && Date.now() < deadline) {
      const i = next++;
      const res = await once(agent, base, make(i));
      if (!expect.includes(res.status)) throw new Error(`request ${i} answered ${res.status}`);
      latencies.push(res.ms);
      bytes += res.bytes;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  const seconds = (performance.now() - started) / 1000;
  return {
    ...summarize(latencies),
    rps: latencies.length / seconds,
    bytesPerRequest: bytes / Math.max(1, latencies.length),
  };
}
