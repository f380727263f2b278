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
