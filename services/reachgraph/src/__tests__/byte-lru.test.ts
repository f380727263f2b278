import fc from 'fast-check';
import { ByteLru } from '../cache/byte-lru.js';

describe('ByteLru', () => {
  it('evicts the least recently used entries past the byte budget', () => {
    const lru = new ByteLru<string>(10);
    lru.set('a', 'A', 4);
    lru.set('b', 'B', 4);
    expect(lru.get('a')).toBe('A'); // a is now the most recent
    lru.set('c', 'C', 4);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe('A');
    expect(lru.get('c')).toBe('C');
    expect(lru.bytes).toBe(8);
  });

  it('never keeps a value heavier than the whole budget, and replaces in place', () => {
    const changes: number[] = [];
    const lru = new ByteLru<string>(10, (bytes) => changes.push(bytes));
    lru.set('big', 'x', 11);
    expect(lru.size).toBe(0);
    lru.set('a', '1', 3);
    lru.set('a', '2', 5);
    expect(lru.get('a')).toBe('2');
    expect(lru.bytes).toBe(5);
    expect(lru.delete('a')).toBe(true);
    expect(lru.bytes).toBe(0);
    expect(changes.at(-1)).toBe(0);
  });
});

describe('ByteLru.reweigh', () => {
  it('evicts the least recently used entries when an entry grows past the budget, keeping the grown one', () => {
    const changes: [number, number][] = [];
    const lru = new ByteLru<string>(10, (bytes, entries) => changes.push([bytes, entries]));
    lru.set('a', 'A', 3);
    lru.set('b', 'B', 3);
    lru.set('c', 'C', 3);
    expect(lru.reweigh('c', 7)).toBe(true);
    expect(lru.get('a')).toBeUndefined();
    expect(lru.get('b')).toBe('B');
    expect(lru.get('c')).toBe('C');
    expect(lru.bytes).toBe(10);
    expect(changes.at(-1)).toEqual([10, 2]);
  });

  it('does not make the entry more recent: a grown entry that is the oldest goes first', () => {
    const lru = new ByteLru<string>(10);
    lru.set('a', 'A', 4);
    lru.set('b', 'B', 4);
    expect(lru.reweigh('a', 7)).toBe(false);
    expect(lru.get('a')).toBeUndefined();
    expect(lru.get('b')).toBe('B');
    expect(lru.bytes).toBe(4);
  });

  it('does nothing for a missing key (no entry, no change reported)', () => {
    const changes: number[] = [];
    const lru = new ByteLru<string>(10, (bytes) => changes.push(bytes));
    lru.set('a', 'A', 4);
    expect(lru.reweigh('b', 9)).toBe(false);
    expect(lru.bytes).toBe(4);
    expect(lru.size).toBe(1);
    expect(changes).toEqual([4]);
  });

  it('drops an entry that alone outweighs the whole budget, and keeps the others', () => {
    const changes: [number, number][] = [];
    const lru = new ByteLru<string>(10, (bytes, entries) => changes.push([bytes, entries]));
    lru.set('a', 'A', 2);
    lru.set('b', 'B', 2);
    expect(lru.reweigh('b', 11)).toBe(false);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe('A');
    expect(lru.bytes).toBe(2);
    expect(changes.at(-1)).toEqual([2, 1]);
  });

  it('lowers the total when an entry shrinks, evicting nothing', () => {
    const lru = new ByteLru<string>(10);
    lru.set('a', 'A', 6);
    lru.set('b', 'B', 4);
    expect(lru.reweigh('a', 1)).toBe(true);
    expect(lru.bytes).toBe(5);
    expect(lru.size).toBe(2);
  });

  it('keeps the total equal to the kept weights, within budget, whatever the operations (property)', () => {
    const key = fc.constantFrom('a', 'b', 'c', 'd', 'e');
    const weight = fc.integer({ min: 0, max: 14 });
    const op = fc.oneof(
      fc.record({ op: fc.constant('set' as const), key, bytes: weight }),
      fc.record({ op: fc.constant('reweigh' as const), key, bytes: weight }),
      fc.record({ op: fc.constant('get' as const), key }),
      fc.record({ op: fc.constant('delete' as const), key }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        let reported: [number, number] = [0, 0];
        const lru = new ByteLru<string>(12, (bytes, entries) => {
          reported = [bytes, entries];
        });
        // A model: keys from least to most recently used, with their weights.
        const model: [string, number][] = [];
        const evict = () => {
          while (model.reduce((t, [, b]) => t + b, 0) > 12) model.shift();
        };
        for (const o of ops) {
          const at = model.findIndex(([k]) => k === o.key);
          if (o.op === 'set') {
            if (at >= 0) model.splice(at, 1);
            if (o.bytes <= 12) model.push([o.key, o.bytes]);
            evict();
            lru.set(o.key, o.key, o.bytes);
          } else if (o.op === 'reweigh') {
            if (at >= 0) {
              if (o.bytes > 12) model.splice(at, 1);
              else model[at] = [o.key, o.bytes];
              evict();
            }
            expect(lru.reweigh(o.key, o.bytes)).toBe(model.some(([k]) => k === o.key));
          } else if (o.op === 'get') {
            if (at >= 0) model.push(...model.splice(at, 1));
            expect(lru.get(o.key)).toBe(at >= 0 ? o.key : undefined);
          } else {
            if (at >= 0) model.splice(at, 1);
            lru.delete(o.key);
          }
          const total = model.reduce((t, [, b]) => t + b, 0);
          expect(lru.bytes).toBe(total);
          expect(lru.size).toBe(model.length);
          expect(total).toBeLessThanOrEqual(12);
          expect(reported).toEqual([total, model.length]);
        }
      }),
      { numRuns: 500 },
    );
  });
});
