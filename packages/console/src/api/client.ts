import type {
  ArtifactListing,
  GraphListing,
  ListGraphsParams,
  OpenVexDocument,
  ReachGraphDiff,
  SliceResponse,
} from '../model/types.js';
import {
  type DiffSearch,
  diffQueryString,
  type Search,
  sliceQueryString,
  withoutCursor,
} from '../routing/route.js';
import { ApiError, networkProblem, problemFromResponse } from './problem.js';

/** A document exactly as the service sent it (so a download is byte for byte what was signed). */
export interface FetchedFile {
  text: string;
  /** From `Content-Disposition`, when the service names the file. */
  fileName?: string;
  /** The `ETag` header, unquoted (the VEX document's sha256). */
  etag?: string;
}

/** The OpenVEX document of a CVE slice with the bytes it came as. */
export interface FetchedVex extends FetchedFile {
  document: OpenVexDocument;
  /** `X-Slice-Digest`: the slice the document was derived from. */
  sliceDigest?: string;
}

/** The ReachGraph read API as the console uses it. */
export interface ReachGraphClient {
  slice(digest: string, search: Search, signal?: AbortSignal): Promise<SliceResponse>;
  byArtifact(artifactDigest: string, signal?: AbortSignal): Promise<ArtifactListing>;
  /** `GET /v1/reachgraphs?cve=|purl=|…`: a page of the tenant's graphs, newest first. */
  listGraphs(params: ListGraphsParams, signal?: AbortSignal): Promise<GraphListing>;
  /** `?format=openvex` of a CVE search. */
  vex(digest: string, search: Search, signal?: AbortSignal): Promise<FetchedVex>;
  /** `?format=openvex-dsse`: the DSSE envelope of the signed reachability-slice statement. */
  attestation(digest: string, search: Search): Promise<FetchedFile>;
  /** `GET …/bundle?cve=…[&assume=…][&include=graph]`: the offline evidence bundle. */
  bundle(digest: string, search: Search, includeGraph: boolean): Promise<FetchedFile>;
  /** `GET …/{digest}/diff/{baseDigest}?cve=|file=[&assume=]`. */
  diff(digest: string, baseDigest: string, search: DiffSearch, signal?: AbortSignal): Promise<ReachGraphDiff>;
}

/** `file.json` of `attachment; filename="file.json"`. */
export function attachmentName(disposition: string | null): string | undefined {
  const m = disposition ? /filename="([^"]+)"/i.exec(disposition) : null;
  return m?.[1];
}

function parseJson<T>(status: number, body: string): T {
  try {
    return JSON.parse(body) as T;
  } catch {
    throw new ApiError({ status, title: 'The service sent an answer that is not JSON' });
  }
}

const LIST_PARAMS = ['cve', 'purl', 'artifactDigest', 'artifactName', 'limit', 'cursor'] as const;

/** The query string of a listing (`cve=…&purl=…&limit=…&cursor=…`): the parameters given, in a fixed order. */
export function listQueryString(params: ListGraphsParams): string {
  const query = new URLSearchParams();
  for (const name of LIST_PARAMS) {
    const value = params[name];
    if (value !== undefined && value !== '') query.set(name, String(value));
  }
  return query.toString();
}

/** The evidence endpoints' parameters of a CVE search: no cursor, no runtime filter (the bundle takes neither). */
function evidenceParams(search: Search): URLSearchParams {
  const params = new URLSearchParams();
  params.set('cve', search.value);
  if (search.assume) params.set('assume', search.assume);
  return params;
}

/** A client for the service that served the console (same origin), sending `token` as bearer. */
export function createClient(token: string | undefined, base = ''): ReachGraphClient {
  async function fetchText(path: string, signal?: AbortSignal): Promise<{ res: Response; body: string }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers['authorization'] = `Bearer ${token}`;
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, { headers, signal: signal ?? null, credentials: 'omit' });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new ApiError(networkProblem(err));
    }
    const body = await res.text();
    if (!res.ok) throw new ApiError(problemFromResponse(res.status, res.headers.get('content-type'), body));
    return { res, body };
  }
  async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
    const { res, body } = await fetchText(path, signal);
    return parseJson<T>(res.status, body);
  }
  async function file(path: string, signal?: AbortSignal): Promise<FetchedFile> {
    const { res, body } = await fetchText(path, signal);
    const out: FetchedFile = { text: body };
    const name = attachmentName(res.headers.get('content-disposition'));
    if (name) out.fileName = name;
    const etag = res.headers.get('etag');
    if (etag) out.etag = etag.replace(/^W\//, '').replace(/"/g, '');
    return out;
  }
  const seg = encodeURIComponent;
  const graph = (digest: string) => `/v1/reachgraphs/${seg(digest)}`;
  const slicePath = (digest: string, search: Search, format: string) =>
    `${graph(digest)}/slice?${sliceQueryString(withoutCursor(search))}&format=${format}`;
  return {
    slice: (digest, search, signal) => get(`${graph(digest)}/slice?${sliceQueryString(search)}`, signal),
    byArtifact: (artifactDigest, signal) => get(`/v1/reachgraphs/by-artifact/${seg(artifactDigest)}`, signal),
    listGraphs: (params, signal) => {
      const query = listQueryString(params);
      return get(`/v1/reachgraphs${query ? `?${query}` : ''}`, signal);
    },
    vex: async (digest, search, signal) => {
      const { res, body } = await fetchText(slicePath(digest, search, 'openvex'), signal);
      const out: FetchedVex = { text: body, document: parseJson<OpenVexDocument>(res.status, body) };
      const etag = res.headers.get('etag');
      if (etag) out.etag = etag.replace(/^W\//, '').replace(/"/g, '');
      const sliceDigest = res.headers.get('x-slice-digest');
      if (sliceDigest) out.sliceDigest = sliceDigest;
      return out;
    },
    attestation: (digest, search) => file(slicePath(digest, search, 'openvex-dsse')),
    bundle: (digest, search, includeGraph) => {
      const params = evidenceParams(search);
      if (includeGraph) params.set('include', 'graph');
      return file(`${graph(digest)}/bundle?${params.toString()}`);
    },
    diff: (digest, baseDigest, search, signal) =>
      get(`${graph(digest)}/diff/${seg(baseDigest)}?${diffQueryString(search)}`, signal),
  };
}
