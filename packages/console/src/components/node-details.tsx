import { nodeLabel, nodeLocation } from '../model/labels.js';
import type { SliceNode, SliceResponse } from '../model/types.js';
import type { Search } from '../routing/route.js';
import { hits } from './hop-chip.js';

interface Props {
  id: string;
  node: SliceNode | undefined;
  slice: SliceResponse;
  onClose: () => void;
  onCentre: () => void;
  onSearch: (search: Search) => void;
}

/** Everything the slice says about one node, with searches that start from it. */
export function NodeDetails({ id, node, slice, onClose, onCentre, onSearch }: Props) {
  const incoming = slice.edges.filter((e) => e.to === id).length;
  const outgoing = slice.edges.filter((e) => e.from === id).length;
  const loc = nodeLocation(node);
  return (
    <aside class="card node-details" aria-labelledby="details-heading">
      <h2 id="details-heading" tabIndex={-1}>
        {nodeLabel(id, node)}
      </h2>
      <dl>
        <dt>Node id</dt>
        <dd>
          <code class="wrap">{id}</code>
        </dd>
        {node && (
          <>
            <dt>Kind</dt>
            <dd>{node.kind}</dd>
          </>
        )}
        {node?.purl && (
          <>
            <dt>Package</dt>
            <dd>
              <code class="wrap">{node.purl}</code>
            </dd>
          </>
        )}
        {loc && (
          <>
            <dt>Location</dt>
            <dd>
              <code>{loc}</code>
            </dd>
          </>
        )}
        <dt>Role</dt>
        <dd>
          {[
            node?.isEntrypoint ? 'entrypoint' : undefined,
            node?.isSink ? 'vulnerable function (sink)' : undefined,
          ]
            .filter(Boolean)
            .join(', ') || 'intermediate'}
        </dd>
        {node?.cves && node.cves.length > 0 && (
          <>
            <dt>Vulnerabilities</dt>
            <dd>{node.cves.join(', ')}</dd>
          </>
        )}
        <dt>Runtime</dt>
        <dd>
          {node?.observed
            ? `observed, ${hits(node.observed.hitCount)} in ${node.observed.batches.length} ${node.observed.batches.length === 1 ? 'batch' : 'batches'}`
            : 'not observed'}
        </dd>
        <dt>Edges in this slice</dt>
        <dd>
          {incoming} in, {outgoing} out
        </dd>
      </dl>
      <div class="actions">
        <button type="button" onClick={onCentre}>
          Centre
        </button>
        {node?.isEntrypoint && (
          <button type="button" onClick={() => onSearch({ type: 'entrypoint', value: id })}>
            What it reaches
          </button>
        )}
        {node?.purl && (
          <button type="button" onClick={() => onSearch({ type: 'package', value: node.purl as string })}>
            Package slice
          </button>
        )}
        <button type="button" class="link-button" onClick={onClose}>
          Close
        </button>
      </div>
    </aside>
  );
}
