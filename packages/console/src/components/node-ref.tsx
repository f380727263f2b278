import { nodeLabel, nodeLocation, packageName } from '../model/labels.js';
import type { SliceNode } from '../model/types.js';
import { Link } from './link.js';

interface Props {
  id: string;
  node: SliceNode | undefined;
  href: string;
  onOpen: () => void;
}

/** A node in a chain or list: its symbol (a link to it in the graph view), package and file:line. */
export function NodeRef({ id, node, href, onOpen }: Props) {
  const label = nodeLabel(id, node);
  const pkg = packageName(node?.purl);
  const loc = nodeLocation(node);
  return (
    <span class="node-ref" data-node-id={id}>
      <Link href={href} onNavigate={onOpen} class="node-name" aria-label={`${label}: show in graph`}>
        {label}
      </Link>
      {pkg && <span class="node-pkg">{pkg}</span>}
      {loc && <code class="node-loc">{loc}</code>}
    </span>
  );
}
