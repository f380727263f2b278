import type { ListGraphsParams } from '../model/types.js';
import type { Route } from './route.js';

/** What the start page lists graphs by: a vulnerability or a package URL (the list API's `?cve`, `?purl`). */
export type ListFilterType = 'cve' | 'purl';

/** A listing of the start page; the console's URL carries it under the list API's parameter names. */
export interface ListFilter {
  type: ListFilterType;
  value: string;
}

export const LIST_FILTER_TYPES: readonly ListFilterType[] = ['cve', 'purl'];

/** The filter a start page query names (`?cve=…` wins over `?purl=…`), or undefined for the recent graphs. */
export function listFilterOf(params: URLSearchParams): ListFilter | undefined {
  for (const type of LIST_FILTER_TYPES) {
    const value = params.get(type);
    if (value) return { type, value };
  }
  return undefined;
}

/** The query string of a filter (`cve=…` or `purl=…`). */
export function listFilterQuery(filter: ListFilter): string {
  return new URLSearchParams({ [filter.type]: filter.value }).toString();
}

/** The list API parameters of a filter (none: the most recent graphs). */
export function listParams(filter: ListFilter | undefined): ListGraphsParams {
  return filter ? { [filter.type]: filter.value } : {};
}

/**
 * Where a listed graph opens: at the slice of the vulnerability or package it was found by (the
 * slice API takes `pkg:npm/lodash@*` as a `?q` wildcard), else at its search form.
 */
export function listedGraphRoute(digest: string, filter: ListFilter | undefined): Route {
  const route: Route = { page: 'graph', digest, view: 'paths', format: 'mermaid' };
  if (filter?.type === 'cve') route.search = { type: 'cve', value: filter.value };
  if (filter?.type === 'purl') route.search = { type: 'package', value: filter.value };
  return route;
}
