/**
 * Writes a finite number as RFC 8785 §3.2.2.3 wants it: ECMAScript `Number::toString`, which is
 * also what `JSON.stringify` prints (`-0` → `0`, `1e+21`, `5e-324`, shortest round-trip digits).
 */

/** The most bytes {@link writeJsonNumber} writes (`-1.2345678901234567e-308` is 24). */
export const MAX_NUMBER_BYTES = 25;

/**
 * Writes the finite number `v` into `buf` at `pos` and returns the position after it. `buf` must
 * have room for {@link MAX_NUMBER_BYTES}. The caller rejects NaN and ±Infinity first.
 */
export function writeJsonNumber(buf: Uint8Array, pos: number, v: number): number {
  let p = pos;
  if ((v | 0) !== v) {
    // Not a 32-bit integer: let the engine's shortest round-trip algorithm do it. The result is ASCII.
    const s = String(v);
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    return p;
  }
  // A 32-bit integer (this also maps -0 to 0): digits without allocating a string.
  let n = v;
  if (n < 0) {
    buf[p++] = 0x2d;
    n = -n;
  }
  let digits = 1;
  for (let t = n; t >= 10; t = (t / 10) | 0) digits++;
  let q = p + digits;
  const end = q;
  do {
    const t = (n / 10) | 0;
    buf[--q] = 48 + n - t * 10;
    n = t;
  } while (n > 0);
  return end;
}
