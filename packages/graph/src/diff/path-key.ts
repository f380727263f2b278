import type { SlicePath } from '@stella-ops/core';

/**
 * The identity of a path across two graphs: its hop sequence as (from, to, why.type, why.guard).
 * Locations, confidences and runtime observations are left out, so moving a call to another line or
 * observing it at runtime does not make the path "changed".
 */
export function pathKey(path: SlicePath): string {
  return JSON.stringify(path.hops.map((h) => [h.from, h.to, h.why.type, h.why.guard ?? null]));
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders paths by target, entrypoint, length, then hop sequence (code-unit order: no locale). */
export function comparePaths(a: KeyedPath, b: KeyedPath): number {
  return (
    compareStrings(a.path.target, b.path.target) ||
    compareStrings(a.path.entrypoint, b.path.entrypoint) ||
    a.path.hops.length - b.path.hops.length ||
    compareStrings(a.key, b.key)
  );
}

/** A path with its {@link pathKey}. */
export interface KeyedPath {
  key: string;
  path: SlicePath;
}

/** The paths of a slice by key (the first of equal keys wins; a slice never repeats a path). */
export function keyedPaths(paths: readonly SlicePath[]): Map<string, SlicePath> {
  const out = new Map<string, SlicePath>();
  for (const path of paths) {
    const key = pathKey(path);
    if (!out.has(key)) out.set(key, path);
  }
  return out;
}

/** The paths of `from` whose key `other` lacks, in {@link comparePaths} order. */
export function pathsMissingFrom(
  from: ReadonlyMap<string, SlicePath>,
  other: ReadonlyMap<string, SlicePath>,
): SlicePath[] {
  const out: KeyedPath[] = [];
  for (const [key, path] of from) if (!other.has(key)) out.push({ key, path });
  return out.sort(comparePaths).map((k) => k.path);
}
