import type { ReachGraphClient } from '../api/client.js';
import type { ArtifactListing } from '../model/types.js';
import type { Navigate } from '../routing/use-route.js';
import { GraphTable } from './graph-table.js';
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
      {state.status === 'done' && state.value.nextCursor !== undefined && (
        <p class="help" role="status">
          {state.value.graphs.length === 1
            ? 'Only the newest graph of this artifact is shown'
            : `Only the newest ${state.value.graphs.length} graphs of this artifact are shown`}
          ; it has more. The command <code>stella reachgraph by-artifact</code> lists them all.
        </p>
      )}
      {state.status === 'done' && state.value.graphs.length > 0 && (
        <GraphTable
          graphs={state.value.graphs}
          caption="Graphs of this artifact"
          routeOf={(g) => ({ page: 'graph', digest: g.digest, view: 'paths', format: 'mermaid' })}
          navigate={navigate}
        />
      )}
    </section>
  );
}
