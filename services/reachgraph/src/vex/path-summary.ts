import type { SlicePath } from '@stella-ops/core';

/** A path as the VEX summaries read it: the slice's path shape, with the conditions still open. */
export type WitnessPath = SlicePath & { openGuards?: string[] };

/** How many (entrypoint, sink) routes an impact statement names before it says "and N more". */
const MAX_ROUTES = 5;

/** One (entrypoint, sink) pair of a slice with how many of its paths lead there. */
interface Route {
  entrypoint: string;
  target: string;
  paths: number;
}

/** The (entrypoint, sink) pairs of `paths` in first-seen order (the slice's order is stable). */
function routesOf(paths: readonly SlicePath[]): Route[] {
  const routes = new Map<string, Route>();
  for (const p of paths) {
    const key = `${p.entrypoint}\u0000${p.target}`;
    const route = routes.get(key);
    if (route) route.paths++;
    else routes.set(key, { entrypoint: p.entrypoint, target: p.target, paths: 1 });
  }
  return [...routes.values()];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * "entry → … → sink (N paths)" for each (entrypoint, sink) pair, at most five, joined by "; ".
 * A direct call reads "entry → sink".
 */
export function summarizeRoutes(paths: readonly SlicePath[]): string {
  const routes = routesOf(paths);
  const direct = new Set(
    paths.filter((p) => p.hops.length === 1).map((p) => `${p.entrypoint}\u0000${p.target}`),
  );
  const shown = routes.slice(0, MAX_ROUTES).map((r) => {
    const arrow = direct.has(`${r.entrypoint}\u0000${r.target}`) ? ' → ' : ' → … → ';
    return `${r.entrypoint}${arrow}${r.target} (${plural(r.paths, 'path')})`;
  });
  const more = routes.length - shown.length;
  return more > 0 ? `${shown.join('; ')}; and ${plural(more, 'more route')}` : shown.join('; ');
}

/**
 * The open conditions of the given paths, each path's as "A and B", alternatives joined by " or "
 * (distinct, in first-seen order): "FEATURE_X=enabled or os=linux and DEBUG=true".
 */
export function summarizeConditions(paths: readonly WitnessPath[]): string {
  const seen = new Set<string>();
  for (const p of paths) {
    const open = [...new Set(p.openGuards ?? [])];
    if (open.length > 0) seen.add(open.join(' and '));
  }
  return [...seen].join(' or ');
}

/** The assumptions of a query as `KEY=VALUE, …` (sorted by key as the query holds them). */
export function formatAssumptions(assume: Readonly<Record<string, string>> | undefined): string {
  return Object.entries(assume ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}
