/** The most pairs an `assume` parameter may hold (the slice API's limit). */
export const MAX_ASSUMPTIONS = 64;
const KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;
const VALUE = /^[^,=]{1,256}$/;

/** Assumptions as typed: their normal form, or why the service would refuse them. */
export type AssumeInput = { ok: true; text: string } | { ok: false; error: string };

/**
 * Reads `KEY=VALUE, KEY=VALUE…` as typed into the form, by the slice API's rules (keys
 * `[A-Za-z_][A-Za-z0-9_.-]*` up to 128 characters, values 1–256 characters without `,` or `=`, both
 * trimmed, at most 64 pairs, each key once), and writes it in the API's normal form: the pairs
 * sorted by key, without spaces — so equal assumptions share one permalink. Blank is no assumption
 * (`''`). The service checks again and answers 400 ASSUME_INVALID for what it refuses.
 */
export function normalizeAssume(raw: string): AssumeInput {
  if (raw.trim() === '') return { ok: true, text: '' };
  const pairs = raw.split(',');
  if (pairs.length > MAX_ASSUMPTIONS) return { ok: false, error: `At most ${MAX_ASSUMPTIONS} assumptions.` };
  const seen = new Map<string, string>();
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at < 0) return { ok: false, error: `“${pair.trim()}” is not KEY=VALUE.` };
    const key = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    if (!KEY.test(key))
      return {
        ok: false,
        error: `“${key}” is not an assumption key (a letter or _, then letters, digits, _ . -).`,
      };
    if (!VALUE.test(value))
      return { ok: false, error: `The value of ${key} must be 1–256 characters without , or =.` };
    if (seen.has(key)) return { ok: false, error: `${key} is assumed twice.` };
    seen.set(key, value);
  }
  const text = [...seen]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return { ok: true, text };
}

/** `a=1,b=2` of a slice's `query.assume` (sorted by key), or `''` when nothing is assumed. */
export function assumeText(assume: Readonly<Record<string, string | undefined>> | undefined): string {
  if (!assume) return '';
  return Object.entries(assume)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
