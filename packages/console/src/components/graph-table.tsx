import { storedAt } from '../model/labels.js';
import type { GraphSummary } from '../model/types.js';
import { type Route, routeHref } from '../routing/route.js';
import type { Navigate } from '../routing/use-route.js';
import { Link } from './link.js';
import { ShortDigest } from './short-digest.js';

interface Props {
  graphs: readonly GraphSummary[];
  caption: string;
  /** Where a graph's link leads (its page, or a slice of it). */
  routeOf: (graph: GraphSummary) => Route;
  navigate: Navigate;
  /** Show each graph's artifact digest as a link to all its graphs (not on that artifact's own page). */
  artifactLinks?: boolean;
}

/** Stored graphs, one row each: the graph (a link to open it), its artifact, its size and when it was stored. */
export function GraphTable({ graphs, caption, routeOf, navigate, artifactLinks = false }: Props) {
  return (
    <table class="card graph-table">
      <caption class="visually-hidden">{caption}</caption>
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
        {graphs.map((g) => {
          const route = routeOf(g);
          const artifact: Route = { page: 'artifact', artifact: g.artifact.digest };
          return (
            <tr key={g.digest} data-graph={g.digest}>
              <td>
                <Link
                  href={routeHref(route)}
                  onNavigate={() => navigate(route)}
                  class="mono digest"
                  aria-label={g.digest}
                >
                  <ShortDigest digest={g.digest} />
                </Link>
              </td>
              <td>
                <span class="artifact-name">{g.artifact.name}</span>
                {artifactLinks && (
                  <>
                    <br />
                    <Link
                      href={routeHref(artifact)}
                      onNavigate={() => navigate(artifact)}
                      class="mono digest artifact-digest"
                      aria-label={`Graphs of artifact ${g.artifact.digest}`}
                    >
                      <ShortDigest digest={g.artifact.digest} />
                    </Link>
                  </>
                )}
              </td>
              <td>{g.counts.nodes}</td>
              <td>{g.counts.edges}</td>
              <td>{g.createdAt && <time dateTime={g.createdAt}>{storedAt(g.createdAt)}</time>}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
