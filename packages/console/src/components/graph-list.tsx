import { useEffect, useRef } from 'preact/hooks';
import type { ReachGraphClient } from '../api/client.js';
import { type ListFilter, listedGraphRoute, listFilterQuery, listParams } from '../routing/list-filter.js';
import { routeHref } from '../routing/route.js';
import type { Navigate } from '../routing/use-route.js';
import { GraphTable } from './graph-table.js';
import { Link } from './link.js';
import { Empty, Loading, RequestProblem } from './status.js';
import { useGraphList } from './use-graph-list.js';

/** Graphs per page of the start page's lists. */
export const PAGE_SIZE = 25;

interface Props {
  /** Undefined: the tenant's most recent graphs. */
  filter: ListFilter | undefined;
  client: ReachGraphClient;
  clientKey: string;
  hasToken: boolean;
  navigate: Navigate;
  onRequestToken: () => void;
}

function heading(filter: ListFilter | undefined): string {
  return filter ? `Graphs with ${filter.value}` : 'Recent graphs';
}

function Intro({ filter }: { filter: ListFilter | undefined }) {
  if (!filter) return <p class="help">Your tenant’s graphs, newest first.</p>;
  if (filter.type === 'cve') {
    return (
      <p class="help">
        Graphs whose sinks or scope name this vulnerability, newest first. Each opens at its slice: is it
        reachable, and through which calls?
      </p>
    );
  }
  return (
    <p class="help">
      Graphs with a node in this package (<code>@*</code>: any version), newest first. Each opens at the
      package’s slice.
    </p>
  );
}

function nothingFound(filter: ListFilter | undefined): string {
  if (!filter) return 'No graph is stored in your tenant yet.';
  return filter.type === 'cve'
    ? `No graph in your tenant names ${filter.value}.`
    : `No graph in your tenant has a node in ${filter.value}.`;
}

/** The start page's list: the graphs a CVE or package finds, or the most recent ones, page by page. */
export function GraphList({ filter, client, clientKey, hasToken, navigate, onRequestToken }: Props) {
  // Without a token the recent graphs are not asked for (that would only answer 401); a search is.
  const key = filter || hasToken ? `${clientKey}\u0000${filter ? listFilterQuery(filter) : ''}` : undefined;
  const list = useGraphList(key, (cursor, signal) =>
    client.listGraphs({ ...listParams(filter), limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) }, signal),
  );
  const section = useRef<HTMLElement>(null);
  // After "More graphs", focus moves to the first graph it added (the button may be gone).
  const focusFrom = useRef<number | undefined>(undefined);
  const count = list.graphs.length;
  useEffect(() => {
    const from = focusFrom.current;
    if (from === undefined || count <= from) return;
    focusFrom.current = undefined;
    section.current?.querySelector<HTMLElement>(`tbody tr:nth-child(${from + 1}) a`)?.focus();
  }, [count]);
  const title = heading(filter);
  const { first, more } = list;
  return (
    <section class="graph-list" aria-labelledby="list-heading" ref={section}>
      <h2 id="list-heading">{title}</h2>
      <Intro filter={filter} />
      {filter && (
        <p class="page-links">
          <Link href={routeHref({ page: 'home' })} onNavigate={() => navigate({ page: 'home' })}>
            Show recent graphs
          </Link>
        </p>
      )}
      {first.status === 'idle' && (
        <Empty>
          <p>
            Your tenant’s recent graphs show here once a token with <code>reachgraph:read</code> is set.{' '}
            <button type="button" class="link-button" onClick={onRequestToken}>
              Enter a token
            </button>
          </p>
        </Empty>
      )}
      {first.status === 'loading' && <Loading what="graphs" />}
      {first.status === 'failed' && (
        <RequestProblem problem={first.problem} onRequestToken={onRequestToken} />
      )}
      {first.status === 'done' && count === 0 && (
        <Empty>
          <p>{nothingFound(filter)}</p>
        </Empty>
      )}
      {count > 0 && (
        <>
          <p class="help" role="status">
            {count === 1 ? '1 graph' : `${count} graphs`}
            {list.hasMore ? ', more to load' : ''}
          </p>
          <GraphTable
            graphs={list.graphs}
            caption={title}
            routeOf={(g) => listedGraphRoute(g.digest, filter)}
            navigate={navigate}
            artifactLinks
          />
        </>
      )}
      {list.hasMore && (
        <p class="actions">
          <button
            type="button"
            aria-busy={more.status === 'loading' ? 'true' : undefined}
            onClick={() => {
              focusFrom.current = count;
              list.loadMore();
            }}
          >
            {more.status === 'loading' ? 'Loading more graphs…' : 'More graphs'}
          </button>
        </p>
      )}
      {more.status === 'failed' && <RequestProblem problem={more.problem} onRequestToken={onRequestToken} />}
    </section>
  );
}
