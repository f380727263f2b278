import { chainText, hopObservation, pathNodeIds } from '../model/labels.js';
import type { SliceNode, SlicePath, SliceResponse } from '../model/types.js';
import { HopWhy, RuntimeBadge } from './hop-chip.js';
import { NodeRef } from './node-ref.js';
import { Empty } from './status.js';

interface Props {
  slice: SliceResponse;
  nodes: Map<string, SliceNode>;
  nodeHref: (id: string) => string;
  openNode: (id: string) => void;
  /** Index of the first path of this page (paths are numbered across pages). */
  firstIndex: number;
}

/**
 * The conditions of a path: "only if" a chip per open guard (what must hold for the path to
 * exist), then the other guards it passes (settled by the assumptions, or not conditions at all).
 */
export function PathConditions({ path }: { path: SlicePath }) {
  const open = path.openGuards ?? [];
  const settled = (path.guards ?? []).filter((g) => !open.includes(g));
  return (
    <>
      {open.length > 0 && (
        <p class="only-if">
          Reachable only if{' '}
          {open.map((g, i) => (
            <span key={g}>
              {i > 0 && ' and '}
              <code class="guard guard-open" data-open-guard={g}>
                {g}
              </code>
            </span>
          ))}
        </p>
      )}
      {settled.length > 0 && (
        <p class="guards">
          {open.length > 0 ? 'Also passes' : 'Passes'} guards:{' '}
          {settled.map((g) => (
            <code key={g} class="guard">
              {g}
            </code>
          ))}
        </p>
      )}
    </>
  );
}

function PathItem({ path, index, ...rest }: Omit<Props, 'firstIndex'> & { path: SlicePath; index: number }) {
  const ids = pathNodeIds(path);
  const titleId = `path-${index}-title`;
  const entry = (id: string) => (
    <NodeRef id={id} node={rest.nodes.get(id)} href={rest.nodeHref(id)} onOpen={() => rest.openNode(id)} />
  );
  return (
    <li class="card path" aria-labelledby={titleId}>
      <h3 id={titleId}>
        Path {index}: <span class="chain-text">{chainText(ids, rest.nodes)}</span>
      </h3>
      <PathConditions path={path} />
      <ol class="chain" aria-label={`Hops of path ${index}`}>
        <li class="step">
          {entry(path.entrypoint)}
          <span class="tag tag-entry">entrypoint</span>
        </li>
        {path.hops.map((hop, i) => {
          const observed = hop.observed === true ? hopObservation(rest.slice, hop) : undefined;
          const last = i === path.hops.length - 1;
          return (
            <li key={`${hop.from}\u0000${hop.to}`} class="step" data-hop={i + 1}>
              <div class="hop">
                <span class="hop-arrow" aria-hidden="true">
                  ↓
                </span>
                <HopWhy why={hop.why} />
                {hop.observed === true && <RuntimeBadge count={observed?.hitCount} />}
              </div>
              {entry(hop.to)}
              {last && path.target === hop.to && <span class="tag tag-sink">sink</span>}
            </li>
          );
        })}
      </ol>
    </li>
  );
}

/** Each explained path as a readable chain: entrypoint → … → sink, one chip per hop. */
export function PathList({ firstIndex, ...rest }: Props) {
  const paths = rest.slice.paths ?? [];
  if (paths.length === 0) {
    return (
      <Empty>
        <p>
          {rest.slice.query.type === 'cve'
            ? 'No path from an entrypoint reaches a vulnerable function of this CVE.'
            : 'No path from an entrypoint reaches what this search matched.'}
        </p>
      </Empty>
    );
  }
  return (
    <ol class="paths" aria-label="Paths">
      {paths.map((p, i) => (
        <PathItem
          key={`${p.entrypoint}\u0000${p.target}\u0000${i}`}
          path={p}
          index={firstIndex + i + 1}
          {...rest}
        />
      ))}
    </ol>
  );
}
