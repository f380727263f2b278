import type { SliceNode, SliceResponse } from '../model/types.js';
import { NodeRef } from './node-ref.js';

interface Props {
  slice: SliceResponse;
  nodes: Map<string, SliceNode>;
  nodeHref: (id: string) => string;
  openNode: (id: string) => void;
}

function SinkList({ title, ids, ...rest }: Omit<Props, 'slice'> & { title: string; ids: string[] }) {
  if (ids.length === 0) return null;
  return (
    <div class="sink-group">
      <h3>{title}</h3>
      <ul class="sink-list">
        {ids.map((id) => {
          const node = rest.nodes.get(id);
          return (
            <li key={id}>
              <NodeRef id={id} node={node} href={rest.nodeHref(id)} onOpen={() => rest.openNode(id)} />
              {node?.cves && node.cves.length > 0 && <span class="cves">{node.cves.join(', ')}</span>}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** The vulnerable functions of a CVE slice: the reachable ones, those reachable only under conditions, the rest. */
export function Sinks({ slice, ...rest }: Props) {
  if (!slice.sinks) return null;
  const { reachable, unreachable } = slice.sinks;
  const gated = slice.sinks.gated ?? [];
  return (
    <section class="card sinks" aria-labelledby="sinks-heading">
      <h2 id="sinks-heading">Sinks</h2>
      {reachable.length + gated.length + unreachable.length === 0 && (
        <p>No vulnerable function in this graph.</p>
      )}
      <SinkList title={`Reachable (${reachable.length})`} ids={reachable} {...rest} />
      <SinkList title={`Reachable only under conditions (${gated.length})`} ids={gated} {...rest} />
      <SinkList title={`Not reachable (${unreachable.length})`} ids={unreachable} {...rest} />
    </section>
  );
}
