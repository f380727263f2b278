/**
 * The own enumerable string keys of `v`, sorted by UTF-16 code units (RFC 8785 §3.2.3).
 * Insertion sort beats `Array#sort`'s call overhead on the small objects documents are made of;
 * `<`/`>` on strings compare UTF-16 code units, exactly as the default sort does.
 */
export function sortedKeys(v: object): string[] {
  const keys = Object.keys(v);
  const n = keys.length;
  if (n > 16) return keys.sort();
  for (let i = 1; i < n; i++) {
    const k = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > k) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = k;
  }
  return keys;
}
