import { useMemo, useState } from 'preact/hooks';
import type { ReachGraphClient } from '../api/client.js';
import { indexNodes } from '../model/labels.js';
import type { SliceResponse } from '../model/types.js';
import { CVE_ONLY_VIEWS, type Route, routeHref, type Search, VIEWS, type View } from '../routing/route.js';
import type { Navigate } from '../routing/use-route.js';
import { EvidencePanel } from './evidence-panel.js';
import { ExportPanel } from './export-panel.js';
import { GraphView } from './graph-view.js';
import { Link } from './link.js';
import { NodeDetails } from './node-details.js';
import { NodeTable } from './node-table.js';
import { PathList } from './path-list.js';
import { Sinks } from './sinks.js';
import { Tabs } from './tabs.js';
import { Verdict } from './verdict.js';
import { VexPanel } from './vex-panel.js';

type GraphRoute = Extract<Route, { page: 'graph' }>;

interface Props {
  slice: SliceResponse;
  route: GraphRoute & { search: Search };
  navigate: Navigate;
  client: ReachGraphClient;
  clientKey: string;
  onRequestToken: () => void;
}

const TAB_LABEL: Record<View, string> = {
  paths: 'Paths',
  graph: 'Graph',
  export: 'Export',
  vex: 'OpenVEX',
  evidence: 'Evidence',
};

function Summary({ slice }: { slice: SliceResponse }) {
  const c = slice.counts;
  const parts = [`${c.nodes} nodes`, `${c.edges} edges`];
  if (c.paths !== undefined) parts.push(`${c.paths} paths`);
  if (c.matched !== undefined) parts.push(`${c.matched} matched`);
  return (
    <p class="summary" aria-live="polite">
      Slice: {parts.join(' · ')}
      {slice.truncated && (
        <strong class="truncated" role="note">
          {' '}
          — truncated: a limit cut this answer
          {slice.limits?.maxPaths ? ` (at most ${slice.limits.maxPaths} paths)` : ''}.
        </strong>
      )}
    </p>
  );
}

/** A slice: verdict and sinks (CVE), then paths, the graph or the export, each a tab with its own URL. */
export function SliceView({ slice, route, navigate, client, clientKey, onRequestToken }: Props) {
  const nodes = useMemo(() => indexNodes(slice.nodes), [slice]);
  const [centreTick, setCentreTick] = useState(0);
  const to = (patch: Partial<GraphRoute>): GraphRoute => ({ ...route, ...patch });
  const nodeHref = (id: string) => routeHref(to({ view: 'graph', node: id }));
  const openNode = (id: string) => navigate(to({ view: 'graph', node: id }));
  const selected = route.node;
  const cve = slice.query.type === 'cve';
  // The OpenVEX and evidence views exist for CVE slices only; elsewhere their permalinks show the paths.
  const views = cve ? VIEWS : VIEWS.filter((v) => !CVE_ONLY_VIEWS.includes(v));
  const view = views.includes(route.view) ? route.view : 'paths';
  const tabs = views.map((v) => ({ id: v, label: TAB_LABEL[v], href: routeHref(to({ view: v })) }));
  const next = slice.nextCursor
    ? to({ search: { ...route.search, cursor: slice.nextCursor }, node: undefined })
    : undefined;
  const first = route.search.cursor
    ? to({ search: { ...route.search, cursor: undefined }, node: undefined })
    : undefined;
  const newSearch = (search: Search) => navigate(to({ search, node: undefined, view: 'paths' }));
  return (
    <div class="slice">
      {slice.query.type === 'cve' && <Verdict slice={slice} />}
      <Summary slice={slice} />
      {slice.query.type === 'cve' && (
        <Sinks slice={slice} nodes={nodes} nodeHref={nodeHref} openNode={openNode} />
      )}
      <Tabs label="Views of the slice" tabs={tabs} active={view} onSelect={(view) => navigate(to({ view }))}>
        {view === 'paths' &&
          (slice.paths !== undefined ? (
            <PathList slice={slice} nodes={nodes} nodeHref={nodeHref} openNode={openNode} firstIndex={0} />
          ) : (
            <NodeTable slice={slice} nodeHref={nodeHref} openNode={openNode} />
          ))}
        {view === 'graph' && (
          <div class="graph-layout">
            <GraphView
              slice={slice}
              selected={selected}
              centreTick={centreTick}
              onSelect={(id) => navigate(to({ node: id }), { replace: true })}
            />
            {selected && (
              <NodeDetails
                id={selected}
                node={nodes.get(selected)}
                slice={slice}
                onClose={() => navigate(to({ node: undefined }), { replace: true })}
                onCentre={() => setCentreTick((t) => t + 1)}
                onSearch={newSearch}
              />
            )}
          </div>
        )}
        {view === 'export' && (
          <ExportPanel
            slice={slice}
            format={route.format}
            onFormat={(format) => navigate(to({ format }), { replace: true })}
          />
        )}
        {view === 'vex' && (
          <VexPanel
            digest={route.digest}
            search={route.search}
            client={client}
            clientKey={clientKey}
            onRequestToken={onRequestToken}
          />
        )}
        {view === 'evidence' && (
          <EvidencePanel
            digest={route.digest}
            search={route.search}
            client={client}
            onRequestToken={onRequestToken}
          />
        )}
      </Tabs>
      {(next || first) && (
        <nav class="pager" aria-label="Pages of the slice">
          {first && (
            <Link href={routeHref(first)} onNavigate={() => navigate(first)}>
              First page
            </Link>
          )}
          {next && (
            <Link href={routeHref(next)} onNavigate={() => navigate(next)}>
              Next page
            </Link>
          )}
        </nav>
      )}
    </div>
  );
}
