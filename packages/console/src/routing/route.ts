import { type ListFilter, listFilterOf, listFilterQuery } from './list-filter.js';

/** What a search looks for; the names mirror the slice API's `?cve`, `?q`, `?entrypoint`, `?file`. */
export type SearchType = 'cve' | 'package' | 'entrypoint' | 'file';
export type ObservedFilter = 'only' | 'exclude';
export type View = 'paths' | 'graph' | 'export' | 'vex' | 'evidence';
export type ExportFormat = 'json' | 'dot' | 'mermaid';

export const SEARCH_TYPES: readonly SearchType[] = ['cve', 'package', 'entrypoint', 'file'];
export const VIEWS: readonly View[] = ['paths', 'graph', 'export', 'vex', 'evidence'];
/** The views of a CVE slice only: its OpenVEX document and its evidence bundle. */
export const CVE_ONLY_VIEWS: readonly View[] = ['vex', 'evidence'];
export const EXPORT_FORMATS: readonly ExportFormat[] = ['json', 'dot', 'mermaid'];

/**
 * A slice search: the selector, its value, the runtime filter, the assumptions (`KEY=VALUE,…` as
 * the slice API's `?assume` takes them) and the page cursor.
 */
export interface Search {
  type: SearchType;
  value: string;
  observed?: ObservedFilter;
  assume?: string;
  cursor?: string;
}

/** What a diff compares: one CVE or one file glob (the diff API's `?cve` / `?file`), under assumptions. */
export type DiffSearchType = 'cve' | 'file';

/** A diff search: the selector, its value and the assumptions both graphs are sliced under. */
export interface DiffSearch {
  type: DiffSearchType;
  value: string;
  assume?: string;
}

/** Everything a view shows is in its URL, so every view has a permalink. */
export type Route =
  | { page: 'home'; filter?: ListFilter }
  | { page: 'artifact'; artifact: string }
  | { page: 'graph'; digest: string; search?: Search; view: View; node?: string; format: ExportFormat }
  | { page: 'diff'; digest: string; base?: string; search?: DiffSearch }
  | { page: 'not-found'; path: string };

/** Where the service mounts the console. */
export const BASE = '/ui/';

/** The query parameter of each search type (the slice API's). */
export const PARAM_OF: Record<SearchType, string> = {
  cve: 'cve',
  package: 'q',
  entrypoint: 'entrypoint',
  file: 'file',
};

const segment = (s: string) => encodeURIComponent(s).replace(/%3A/gi, ':');

function decodeSegment(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function searchOf(params: URLSearchParams): Search | undefined {
  for (const type of SEARCH_TYPES) {
    const value = params.get(PARAM_OF[type]);
    if (value === null || value === '') continue;
    const search: Search = { type, value };
    const observed = params.get('observed');
    if (observed === 'only' || observed === 'exclude') search.observed = observed;
    const assume = params.get('assume');
    if (assume) search.assume = assume;
    const cursor = params.get('cursor');
    if (cursor) search.cursor = cursor;
    return search;
  }
  return undefined;
}

function diffSearchOf(params: URLSearchParams): DiffSearch | undefined {
  for (const type of ['cve', 'file'] as const) {
    const value = params.get(type);
    if (value === null || value === '') continue;
    const search: DiffSearch = { type, value };
    const assume = params.get('assume');
    if (assume) search.assume = assume;
    return search;
  }
  return undefined;
}

/** `/ui/graphs/{digest}/diff[/{base}]`: the diff of a head graph against a base graph. */
function diffRoute(parts: string[], search: string): Route | undefined {
  if (parts.length !== 3 && parts.length !== 4) return undefined;
  if (parts[0] !== 'graphs' || parts[2] !== 'diff') return undefined;
  const digest = decodeSegment(parts[1] as string);
  const base = parts.length === 4 ? decodeSegment(parts[3] as string) : undefined;
  if (!digest || (parts.length === 4 && !base)) return undefined;
  const route: Route = { page: 'diff', digest };
  if (base) route.base = base;
  const found = diffSearchOf(new URLSearchParams(search));
  if (found) route.search = found;
  return route;
}

/** The route a location (`pathname`, `search`) shows; unknown paths give `not-found`. */
export function parseRoute(pathname: string, search: string): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname === '/ui' ? '' : undefined;
  if (rest === undefined) return { page: 'not-found', path: pathname };
  const parts = rest.split('/').filter((p) => p !== '');
  if (parts.length === 0) {
    const filter = listFilterOf(new URLSearchParams(search));
    return filter ? { page: 'home', filter } : { page: 'home' };
  }
  if (parts.length > 2) return diffRoute(parts, search) ?? { page: 'not-found', path: pathname };
  const id = parts.length === 2 ? decodeSegment(parts[1] as string) : undefined;
  if (id === undefined || id === '') return { page: 'not-found', path: pathname };
  if (parts[0] === 'artifacts') return { page: 'artifact', artifact: id };
  if (parts[0] !== 'graphs') return { page: 'not-found', path: pathname };
  const params = new URLSearchParams(search);
  const route: Route = {
    page: 'graph',
    digest: id,
    view: oneOf(params.get('view'), VIEWS, 'paths'),
    format: oneOf(params.get('format'), EXPORT_FORMATS, 'mermaid'),
  };
  const found = searchOf(params);
  if (found) route.search = found;
  const node = params.get('node');
  if (node) route.node = node;
  return route;
}

/** The URL (path and query) of a route; defaults are left out so equal views share one permalink. */
export function routeHref(route: Route): string {
  switch (route.page) {
    case 'home':
      return route.filter ? `${BASE}?${listFilterQuery(route.filter)}` : BASE;
    case 'not-found':
      return route.path;
    case 'artifact':
      return `${BASE}artifacts/${segment(route.artifact)}`;
    case 'graph': {
      const params = new URLSearchParams();
      if (route.search) {
        params.set(PARAM_OF[route.search.type], route.search.value);
        if (route.search.observed) params.set('observed', route.search.observed);
        if (route.search.assume) params.set('assume', route.search.assume);
        if (route.search.cursor) params.set('cursor', route.search.cursor);
      }
      if (route.view !== 'paths') params.set('view', route.view);
      if (route.node) params.set('node', route.node);
      if (route.format !== 'mermaid') params.set('format', route.format);
      const query = params.toString();
      return `${BASE}graphs/${segment(route.digest)}${query ? `?${query}` : ''}`;
    }
    case 'diff': {
      const query = route.search ? `?${diffQueryString(route.search)}` : '';
      const base = route.base ? `/${segment(route.base)}` : '';
      return `${BASE}graphs/${segment(route.digest)}/diff${base}${query}`;
    }
  }
}

/** The diff API query string of a diff search (`cve=…&assume=…`). */
export function diffQueryString(search: DiffSearch): string {
  const params = new URLSearchParams();
  params.set(search.type, search.value);
  if (search.assume) params.set('assume', search.assume);
  return params.toString();
}

/** The slice API query string of a search (`cve=…&observed=…&assume=…&cursor=…`). */
export function sliceQueryString(search: Search): string {
  const params = new URLSearchParams();
  params.set(PARAM_OF[search.type], search.value);
  if (search.observed) params.set('observed', search.observed);
  if (search.assume) params.set('assume', search.assume);
  if (search.cursor) params.set('cursor', search.cursor);
  return params.toString();
}

/** The query of the same search without its page cursor (the VEX, attestation and bundle take no cursor). */
export function withoutCursor(search: Search): Search {
  const { cursor: _cursor, ...rest } = search;
  return rest;
}

/**
 * The path-style URL a hash-style link (`/ui/#/graph/{digest}?cve=…`) means, or undefined: such
 * links are accepted so that a printed or bookmarked hash link still opens its view.
 */
export function hashLinkHref(hash: string): string | undefined {
  const m = /^#\/(graphs?|artifacts?)\/([^?#]+)(\?[^#]*)?$/.exec(hash);
  if (!m) return undefined;
  const section = (m[1] as string).startsWith('graph') ? 'graphs' : 'artifacts';
  return `${BASE}${section}/${m[2]}${m[3] ?? ''}`;
}
