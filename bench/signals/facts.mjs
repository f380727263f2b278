import { createHash } from 'node:crypto';

/** A realistic runtime fact (shape and sizes like examples/orders-api/runtime-facts.ndjson). */
function fact(seed, i) {
  const n = seed * 1_000_000 + i;
  const module = `src/${['routes', 'services', 'db', 'lib'][n % 4]}/${['orders', 'users', 'payments', 'cart'][(n >> 2) % 4]}.js`;
  return {
    symbolId: `app:${module}#fn${n}`,
    purl: `pkg:npm/%40acme/orders-api@1.4.${seed}`,
    codeId: `sha256:${createHash('sha256').update(module).digest('hex')}`,
    process: 'node src/server.js',
    containerId: `orders-api-7d9f8b-${(n % 97).toString(36).padStart(5, 'x')}`,
    host: `node-a${n % 8}`,
    hitCount: 1 + (n % 23),
    observedAt: `2026-11-20T10:${String(n % 60).padStart(2, '0')}:${String((n * 7) % 60).padStart(2, '0')}Z`,
    factType: n % 10 === 0 ? 'load' : 'invocation',
  };
}

/** An NDJSON body just under `maxBytes` of unique facts; `canonical` is its sorted canonical form's size proxy. */
export function factBatch(seed, maxBytes) {
  const lines = [];
  let size = 0;
  for (let i = 0; ; i++) {
    const line = `${JSON.stringify(fact(seed, i))}\n`;
    if (size + line.length > maxBytes) break;
    lines.push(line);
    size += line.length;
  }
  const text = lines.join('');
  return { body: Buffer.from(text), count: lines.length, canonical: text };
}
