import { useEffect, useRef, useState } from 'preact/hooks';
import { problemOf, type ShownProblem } from '../api/problem.js';
import type { GraphListing, ListedGraph } from '../model/types.js';
import { type RequestState, useRequest } from './use-request.js';

/** The state of the request for the next page. */
export type MoreState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'failed'; problem: ShownProblem };

/** A listing read page by page: the first page's request, every graph so far, and how to read on. */
export interface GraphList {
  first: RequestState<GraphListing>;
  graphs: ListedGraph[];
  /** Whether the service has another page. */
  hasMore: boolean;
  more: MoreState;
  loadMore: () => void;
}

const IDLE: MoreState = { status: 'idle' };

/**
 * Reads the first page whenever `key` changes (undefined = nothing to read) and appends the next
 * page on `loadMore`, following the last page's `nextCursor`.
 */
export function useGraphList(
  key: string | undefined,
  load: (cursor: string | undefined, signal: AbortSignal) => Promise<GraphListing>,
): GraphList {
  const first = useRequest(key, (signal) => load(undefined, signal));
  // The pages after the first, remembering the key they belong to (as useRequest does).
  const [rest, setRest] = useState<{ key: string | undefined; pages: GraphListing[]; more: MoreState }>({
    key,
    pages: [],
    more: IDLE,
  });
  const pending = useRef<AbortController | undefined>(undefined);
  useEffect(() => () => pending.current?.abort(), [key]);

  const current = rest.key === key ? rest : { key, pages: [], more: IDLE };
  const pages = first.status === 'done' ? [first.value, ...current.pages] : [];
  const cursor = pages[pages.length - 1]?.nextCursor;

  const loadMore = () => {
    if (!cursor || current.more.status === 'loading') return;
    const ctl = new AbortController();
    pending.current = ctl;
    setRest({ key, pages: current.pages, more: { status: 'loading' } });
    const settle = (update: (pages: GraphListing[]) => { pages: GraphListing[]; more: MoreState }) => {
      if (!ctl.signal.aborted) setRest((s) => (s.key === key ? { key, ...update(s.pages) } : s));
    };
    load(cursor, ctl.signal).then(
      (page) => settle((ps) => ({ pages: [...ps, page], more: IDLE })),
      (err: unknown) => settle((ps) => ({ pages: ps, more: { status: 'failed', problem: problemOf(err) } })),
    );
  };

  return {
    first,
    graphs: pages.flatMap((p) => p.graphs),
    hasMore: cursor !== undefined,
    more: current.more,
    loadMore,
  };
}
