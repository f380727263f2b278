/** The content codings a full graph can be sent with, most preferred first. */
export type GraphEncoding = 'zstd' | 'gzip' | 'identity';

const PREFERENCE: GraphEncoding[] = ['zstd', 'gzip', 'identity'];

/**
 * Picks the coding from `Accept-Encoding` (RFC 9110 §12.5.3): the highest q-value wins, ties go to
 * zstd (stored that way: sent as is), then gzip; `identity` unless refused explicitly.
 */
export function negotiateEncoding(header: string | undefined): GraphEncoding {
  if (!header || header.trim() === '') return 'identity';
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    let weight = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p);
      if (m) weight = Number(m[1]);
    }
    q.set(name.trim(), Number.isFinite(weight) ? weight : 0);
  }
  const star = q.get('*');
  const weightOf = (e: GraphEncoding) => q.get(e) ?? (e === 'identity' ? (star ?? 1) : (star ?? 0));
  let best: GraphEncoding = 'identity';
  let bestWeight = 0;
  for (const e of PREFERENCE) {
    const w = weightOf(e);
    if (w > bestWeight) {
      best = e;
      bestWeight = w;
    }
  }
  return best;
}
