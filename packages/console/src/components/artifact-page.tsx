import type { ReachGraphClient } from '../api/client.js';
import type { ArtifactListing } from '../model/types.js';
import { routeHref } from '../routing/route.js';
import type { Navigate } from '../routing/use-route.js';
import { Link } from './link.js';
import { Empty, Loading, RequestProblem } from './status.js';
import { useRequest } from './use-request.js';

interface Props {
  artifact: string;
  client: ReachGraphClient;
  clientKey: string;
  navigate: Navigate;
  onRequestToken: () => void;
}

/** The graphs stored for one artifact, newest first. */
export function ArtifactPage({ artifact, client, clientKey, navigate, onRequestToken }: Props) {
  const state = useRequest<ArtifactListing>(`${clientKey}\u0000${artifact}`, (signal) =>
    client.byArtifact(artifact, signal),
  );
  return (
    <section aria-labelledby="artifact-heading">
      <h1 id="artifact-heading" tabIndex={-1}>
        Graphs of artifact <code class="digest">{artifact}</code>
      </h1>
      {state.status === 'loading' && <Loading what="graphs" />}
      {state.status === 'failed' && (
        <RequestProblem problem={state.problem} onRequestToken={onRequestToken} />
      )}
      {state.status === 'done' && state.value.graphs.length === 0 && (
        <Empty>
          <p>No graph is stored for this artifact (in your tenant).</p>
        </Empty>
      )}
      {state.status === 'done' && state.value.graphs.length > 0 && (
        <table class="card">
          <caption class="visually-hidden">Graphs of this artifact</caption>
          <thead>
            <tr>
              <th scope="col">Graph</th>
              <th scope="col">Artifact</th>
              <th scope="col">Nodes</th>
              <th scope="col">Edges</th>
              <th scope="col">Stored</th>
            </tr>
          </thead>
          <tbody>
            {state.value.graphs.map((g) => {
              const route = {
                page: 'graph' as const,
                digest: g.digest,
                view: 'paths' as const,
                format: 'mermaid' as const,
              };
              return (
                <tr key={g.digest}>
                  <td>
                    <Link href={routeHref(route)} onNavigate={() => navigate(route)} class="mono digest">
                      {g.digest}
                    </Link>
                  </td>
                  <td>{g.artifact.name}</td>
                  <td>{g.counts.nodes}</td>
                  <td>{g.counts.edges}</td>
                  <td>{g.createdAt ?? ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
