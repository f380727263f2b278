import type { ArtifactListing, SliceResponse } from '../model/types.js';
import { type Search, sliceQueryString } from '../routing/route.js';
import { ApiError, networkProblem, problemFromResponse } from './problem.js';

/** The ReachGraph read API as the console uses it. */
export interface ReachGraphClient {
  slice(digest: string, search: Search, signal?: AbortSignal): Promise<SliceResponse>;
  byArtifact(artifactDigest: string, signal?: AbortSignal): Promise<ArtifactListing>;
}

/** A client for the service that served the console (same origin), sending `token` as bearer. */
export function createClient(token: string | undefined, base = ''): ReachGraphClient {
  async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
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
    try {
      return JSON.parse(body) as T;
    } catch {
      throw new ApiError({ status: res.status, title: 'The service sent an answer that is not JSON' });
    }
  }
  const seg = encodeURIComponent;
  return {
    slice: (digest, search, signal) =>
      get(`/v1/reachgraphs/${seg(digest)}/slice?${sliceQueryString(search)}`, signal),
    byArtifact: (artifactDigest, signal) => get(`/v1/reachgraphs/by-artifact/${seg(artifactDigest)}`, signal),
  };
}
