import { createHash } from 'node:crypto';
import { encodeGraph } from '../binary/encode.js';
import { generateReachGraph } from '../testing/generate.js';
import { createGraph } from './create-graph.js';

describe('createGraph + encodeGraph output is pinned', () => {
  it('encodes a generated graph to the same bytes as the build before createGraph was optimised', () => {
    const doc = generateReachGraph({ nodes: 3_000, edges: 9_000, seed: 11 });
    const bytes = encodeGraph(
      createGraph(JSON.parse(JSON.stringify(doc)), { digest: `blake3:${'0'.repeat(64)}` }),
    );
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(
      '42164afb9215671765a3a6f8a801afee56093fe4675aaa386569af893b8db3ef',
    );
  });
});
