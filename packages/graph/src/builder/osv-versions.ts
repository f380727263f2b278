import semver from 'semver';
import type { OsvAffected, OsvRange } from './osv-types.js';

/** Range types whose versions compare as semantic versions here. */
const EVALUATED = new Set(['SEMVER', 'ECOSYSTEM']);

/** Whether `version` falls in one range; undefined when the range cannot be evaluated for it. */
function inRange(version: string, range: OsvRange): boolean | undefined {
  if (!EVALUATED.has(range.type)) return undefined;
  const v = semver.valid(version, { loose: true });
  if (v === null) return undefined;
  const at = (s: string) => (s === '0' ? '0.0.0' : semver.valid(s, { loose: true }));
  let affected = false;
  // OSV: evaluate the events in version order; `introduced` opens, `fixed` closes at that version,
  // `last_affected` closes after it. `limit` only bounds git ranges.
  const events = range.events
    .map((e) => {
      const [kind, raw] = Object.entries(e).find(([k]) => k !== 'limit') ?? ['limit', ''];
      return { kind, raw: String(raw), at: at(String(raw)) };
    })
    .filter((e) => e.kind !== 'limit');
  if (events.some((e) => e.at === null)) return undefined;
  // At one version, `introduced` comes first: `introduced: X, fixed: X` affects nothing.
  const rank = (kind: string) => (kind === 'introduced' ? 0 : 1);
  events.sort((a, b) => semver.compare(a.at as string, b.at as string) || rank(a.kind) - rank(b.kind));
  for (const e of events) {
    const c = semver.compare(v, e.at as string);
    if (e.kind === 'introduced' && c >= 0) affected = true;
    else if (e.kind === 'fixed' && c >= 0) affected = false;
    else if (e.kind === 'last_affected' && c > 0) affected = false;
  }
  return affected;
}

/**
 * Whether a package version is affected: listed in `versions`, or inside a SEMVER/ECOSYSTEM range.
 * When neither can decide — no version known, a version that is not semver, only git ranges, or
 * no versions and no ranges at all — the version counts as affected (a possibly-vulnerable sink is
 * kept rather than silently dropped).
 */
export function isAffectedVersion(version: string | null, affected: OsvAffected): boolean {
  if (version === null) return true;
  if (affected.versions?.includes(version)) return true;
  let decided = affected.versions !== undefined && affected.versions.length > 0;
  for (const range of affected.ranges ?? []) {
    const answer = inRange(version, range);
    if (answer === true) return true;
    if (answer === false) decided = true;
  }
  return !decided;
}
