import { nodeLabel, nodeLocation, packageName } from '../model/labels.js';
import type { SliceResponse } from '../model/types.js';
import { hits } from './hop-chip.js';
import { Link } from './link.js';
import { Empty } from './status.js';

interface Props {
  slice: SliceResponse;
  nodeHref: (id: string) => string;
  openNode: (id: string) => void;
}

/** The nodes of a slice without paths (package and entrypoint slices). */
export function NodeTable({ slice, nodeHref, openNode }: Props) {
  if (slice.nodes.length === 0) {
    return (
      <Empty>
        <p>Nothing in this graph matched the search.</p>
      </Empty>
    );
  }
  return (
    <table class="card nodes-table">
      <caption>Nodes of this slice ({slice.nodes.length} on this page)</caption>
      <thead>
        <tr>
          <th scope="col">Node</th>
          <th scope="col">Package</th>
          <th scope="col">Location</th>
          <th scope="col">Role</th>
          <th scope="col">Runtime</th>
        </tr>
      </thead>
      <tbody>
        {slice.nodes.map((n) => (
          <tr key={n.id}>
            <td>
              <Link href={nodeHref(n.id)} onNavigate={() => openNode(n.id)}>
                {nodeLabel(n.id, n)}
              </Link>
            </td>
            <td>{packageName(n.purl) ?? ''}</td>
            <td>
              <code>{nodeLocation(n) ?? ''}</code>
            </td>
            <td>
              {[n.isEntrypoint ? 'entrypoint' : '', n.isSink ? `sink ${(n.cves ?? []).join(', ')}` : '']
                .filter(Boolean)
                .join(', ')}
            </td>
            <td>{n.observed ? hits(n.observed.hitCount) : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
