import { useState } from 'preact/hooks';
import type { ReachGraphClient } from '../api/client.js';
import type { SliceResponse } from '../model/types.js';
import { type Route, routeHref, type Search, sliceQueryString } from '../routing/route.js';
import type { Navigate } from '../routing/use-route.js';
import { Link } from './link.js';
import { SearchForm } from './search-form.js';
import { SliceView } from './slice-view.js';
import { Empty, Loading, RequestProblem } from './status.js';
import { useRequest } from './use-request.js';

type GraphRoute = Extract<Route, { page: 'graph' }>;

interface Props {
  route: GraphRoute;
  client: ReachGraphClient;
  clientKey: string;
  navigate: Navigate;
  onRequestToken: () => void;
}

function CopyLink() {
  const [said, setSaid] = useState<string | undefined>();
  return (
    <span class="copy-link">
      <button
        type="button"
        class="link-button"
        onClick={() =>
          navigator.clipboard.writeText(window.location.href).then(
            () => setSaid('Link copied.'),
            () => setSaid('Copy the address bar: it is this view’s permalink.'),
          )
        }
      >
        Copy permalink
      </button>
      <span role="status" class="help">
        {said}
      </span>
    </span>
  );
}

/** One graph: the search form and the slice it asked for. */
export function GraphPage({ route, client, clientKey, navigate, onRequestToken }: Props) {
  const { search } = route;
  const key = search ? `${clientKey}\u0000${route.digest}\u0000${sliceQueryString(search)}` : undefined;
  const state = useRequest<SliceResponse>(key, (signal) =>
    client.slice(route.digest, search as Search, signal),
  );
  const assumeProblem =
    state.status === 'failed' && state.problem.code === 'ASSUME_INVALID' ? state.problem : undefined;
  const diffSearch =
    search && (search.type === 'cve' || search.type === 'file')
      ? { type: search.type, value: search.value, ...(search.assume ? { assume: search.assume } : {}) }
      : undefined;
  const diff: Route = { page: 'diff', digest: route.digest, ...(diffSearch ? { search: diffSearch } : {}) };
  return (
    <section aria-labelledby="graph-heading">
      <h1 id="graph-heading" tabIndex={-1}>
        Graph <code class="digest">{route.digest}</code>
      </h1>
      <SearchForm
        key={search ? sliceQueryString(search) : ''}
        initial={search}
        onSearch={(s) => navigate({ ...route, search: s, node: undefined })}
        assumeProblem={assumeProblem}
      />
      <p class="page-links">
        <Link href={routeHref(diff)} onNavigate={() => navigate(diff)}>
          Compare with a base graph
        </Link>
      </p>
      {!search && (
        <Empty>
          <p>
            Search this graph by CVE (is it reachable, and through which calls?), by package URL (
            <code>*</code> wildcards), by entrypoint, or by a changed file.
          </p>
        </Empty>
      )}
      {search && state.status === 'loading' && <Loading what="the slice" />}
      {search && state.status === 'failed' && !assumeProblem && (
        <RequestProblem problem={state.problem} onRequestToken={onRequestToken} />
      )}
      {search && state.status === 'done' && (
        <>
          <div class="slice-bar">
            <CopyLink />
            <a class="help" href={routeHref({ ...route, node: undefined })}>
              Permalink
            </a>
          </div>
          <SliceView
            slice={state.value}
            route={{ ...route, search }}
            navigate={navigate}
            client={client}
            clientKey={clientKey}
            onRequestToken={onRequestToken}
          />
        </>
      )}
    </section>
  );
}
