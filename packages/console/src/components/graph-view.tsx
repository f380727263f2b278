import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  edgePath,
  type GraphLayout,
  layoutSlice,
  MAX_DRAWN_NODES,
  type PlacedNode,
} from '../graph/layout.js';
import { centreOn, fitView, panBy, type Size, type Viewport, zoomAt } from '../graph/viewport.js';
import type { SliceResponse } from '../model/types.js';
import { Empty } from './status.js';

interface Props {
  slice: SliceResponse;
  selected: string | undefined;
  onSelect: (id: string | undefined) => void;
  /** Bumped to re-centre on the selected node again. */
  centreTick?: number;
}

const STEP = 1.25;
const PAN = 60;

function nodeAria(p: PlacedNode, selected: boolean): string {
  const parts = [p.label];
  if (p.node?.kind) parts.push(p.node.kind);
  if (p.sublabel) parts.push(`in ${p.sublabel}`);
  if (p.node?.isEntrypoint) parts.push('entrypoint');
  if (p.node?.isSink) parts.push(`sink${p.node.cves?.length ? ` of ${p.node.cves.join(', ')}` : ''}`);
  if (p.node?.observed) parts.push('observed at runtime');
  if (selected) parts.push('selected');
  return parts.join(', ');
}

function useSize(ref: { current: HTMLElement | null }): Size | undefined {
  const [size, setSize] = useState<Size | undefined>();
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setSize({ width: el.clientWidth, height: el.clientHeight });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return size;
}

/** The neighbours of each node in the drawing (for arrow-key moves between nodes). */
function neighbours(layout: GraphLayout): { next: Map<string, string[]>; prev: Map<string, string[]> } {
  const next = new Map<string, string[]>();
  const prev = new Map<string, string[]>();
  for (const { edge } of layout.edges) {
    next.set(edge.from, [...(next.get(edge.from) ?? []), edge.to]);
    prev.set(edge.to, [...(prev.get(edge.to) ?? []), edge.from]);
  }
  return { next, prev };
}

/**
 * The slice drawn as a layered graph (dagre, left to right), with zoom (wheel, buttons, + and -), pan
 * (drag, arrow keys) and selection (click, Enter): the selected node is re-centred.
 */
export function GraphView({ slice, selected, onSelect, centreTick = 0 }: Props) {
  const tooBig = slice.nodes.length > MAX_DRAWN_NODES;
  const layout = useMemo(() => (tooBig ? undefined : layoutSlice(slice.nodes, slice.edges)), [slice, tooBig]);
  const links = useMemo(() => (layout ? neighbours(layout) : undefined), [layout]);
  const wrap = useRef<HTMLDivElement>(null);
  const size = useSize(wrap);
  const [view, setView] = useState<Viewport | undefined>();
  const drag = useRef<{ x: number; y: number; id: number } | undefined>(undefined);

  // A new drawing starts fitted.
  useEffect(() => setView(undefined), [layout]);
  // Fit the drawing when it or the screen first becomes known; re-centre on the selected node.
  useEffect(() => {
    if (!layout || !size) return;
    const placed = selected ? layout.nodes.find((n) => n.id === selected) : undefined;
    setView((v) => {
      const base = v ?? fitView(layout, size);
      return placed ? centreOn({ ...base, k: Math.max(base.k, 0.8) }, placed.x, placed.y, size) : base;
    });
  }, [layout, size, selected, centreTick]);

  useEffect(() => {
    const el = wrap.current;
    if (!el || !size) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      setView((v) => v && zoomAt(v, Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [size]);

  if (tooBig) {
    return (
      <Empty>
        <p>
          This page of the slice has {slice.nodes.length} nodes, too many to draw (at most {MAX_DRAWN_NODES}).
          Narrow the search, or export it and lay it out with Graphviz.
        </p>
      </Empty>
    );
  }
  if (!layout || layout.nodes.length === 0) {
    return (
      <Empty>
        <p>Nothing to draw: the slice has no nodes.</p>
      </Empty>
    );
  }
  const zoom = (factor: number) =>
    size && setView((v) => v && zoomAt(v, factor, size.width / 2, size.height / 2));
  const fit = () => size && setView(fitView(layout, size));
  const focusNode = (id: string | undefined) => {
    if (!id) return;
    wrap.current?.querySelector<SVGGElement>(`[data-node-id="${CSS.escape(id)}"]`)?.focus();
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.target !== wrap.current) return;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [PAN, 0],
      ArrowRight: [-PAN, 0],
      ArrowUp: [0, PAN],
      ArrowDown: [0, -PAN],
    };
    const move = moves[e.key];
    if (move) setView((v) => v && panBy(v, move[0], move[1]));
    else if (e.key === '+' || e.key === '=') zoom(STEP);
    else if (e.key === '-') zoom(1 / STEP);
    else if (e.key === '0') fit();
    else return;
    e.preventDefault();
  };
  const onNodeKey = (e: KeyboardEvent, id: string) => {
    if (e.key === 'Enter' || e.key === ' ') onSelect(id);
    else if (e.key === 'ArrowRight') focusNode(links?.next.get(id)?.[0]);
    else if (e.key === 'ArrowLeft') focusNode(links?.prev.get(id)?.[0]);
    else if (e.key === 'Escape') onSelect(undefined);
    else return;
    e.preventDefault();
    e.stopPropagation();
  };
  const v = view ?? { x: 0, y: 0, k: 1 };
  return (
    <div class="graph-view">
      <div class="toolbar" role="toolbar" aria-label="Graph controls">
        <button type="button" onClick={() => zoom(STEP)} aria-label="Zoom in">
          +
        </button>
        <button type="button" onClick={() => zoom(1 / STEP)} aria-label="Zoom out">
          −
        </button>
        <button type="button" onClick={fit}>
          Fit
        </button>
        <span class="help" id="graph-help">
          Drag or arrow keys to pan, wheel or +/− to zoom, 0 to fit; Tab to a node, Enter to select it, →/← to
          follow edges.
        </span>
      </div>
      <div
        ref={wrap}
        class="graph-canvas"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the canvas takes the keyboard for pan and zoom.
        tabIndex={0}
        role="application"
        aria-label={`Graph of the slice: ${layout.nodes.length} nodes, ${layout.edges.length} edges`}
        aria-describedby="graph-help"
        onKeyDown={onKey}
        onPointerDown={(e) => {
          if ((e.target as Element).closest('[data-node-id]')) return;
          drag.current = { x: e.clientX, y: e.clientY, id: e.pointerId };
          (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
        }}
        onPointerMove={(e) => {
          const d = drag.current;
          if (!d || d.id !== e.pointerId) return;
          const dx = e.clientX - d.x;
          const dy = e.clientY - d.y;
          drag.current = { ...d, x: e.clientX, y: e.clientY };
          setView((cur) => cur && panBy(cur, dx, dy));
        }}
        onPointerUp={() => {
          drag.current = undefined;
        }}
        onPointerCancel={() => {
          drag.current = undefined;
        }}
      >
        <svg class="graph-svg" width="100%" height="100%">
          <title>Graph of the slice</title>
          <defs>
            <marker
              id="arrow"
              viewBox="0 0 10 10"
              refX="10"
              refY="5"
              markerWidth="9"
              markerHeight="9"
              markerUnits="userSpaceOnUse"
              orient="auto"
            >
              <path d="M0,0 L10,5 L0,10 z" class="arrow-head" />
            </marker>
          </defs>
          <g transform={`translate(${v.x.toFixed(2)},${v.y.toFixed(2)}) scale(${v.k.toFixed(4)})`}>
            {layout.edges.map(({ key, edge, points }) => {
              const mid = points[Math.floor(points.length / 2)];
              const cls = `edge edge-${edge.why.type}${edge.why.guard ? ' guarded' : ''}${edge.observed ? ' observed' : ''}`;
              return (
                <g key={key} class={cls} data-edge-type={edge.why.type}>
                  <title>
                    {`${edge.why.type}${edge.why.guard ? ` (${edge.why.guard})` : ''}${edge.why.loc ? ` at ${edge.why.loc}` : ''}${edge.observed ? ', observed at runtime' : ''}`}
                  </title>
                  <path d={edgePath(points)} marker-end="url(#arrow)" />
                  {mid && (
                    <text x={mid.x} y={mid.y - 4} class="edge-label" text-anchor="middle">
                      {edge.why.guard ?? edge.why.type}
                    </text>
                  )}
                </g>
              );
            })}
            {layout.nodes.map((p) => {
              const isSel = p.id === selected;
              const cls = `node${p.node?.isEntrypoint ? ' entry' : ''}${p.node?.isSink ? ' sink' : ''}${p.node?.observed ? ' observed' : ''}${isSel ? ' selected' : ''}`;
              return (
                // biome-ignore lint/a11y/useSemanticElements: an SVG node cannot be a <button>.
                <g
                  key={p.id}
                  class={cls}
                  data-node-id={p.id}
                  transform={`translate(${(p.x - p.width / 2).toFixed(1)},${(p.y - p.height / 2).toFixed(1)})`}
                  role="button"
                  // SVG attributes are case-sensitive: `tabIndex` would not make the node focusable.
                  tabindex={0}
                  aria-label={nodeAria(p, isSel)}
                  aria-pressed={isSel}
                  onClick={() => onSelect(p.id)}
                  onKeyDown={(e) => onNodeKey(e, p.id)}
                >
                  <rect width={p.width} height={p.height} rx="8" />
                  <text x="10" y="19" class="node-label">
                    {p.label}
                  </text>
                  {p.sublabel && (
                    <text x="10" y="36" class="node-sublabel">
                      {p.sublabel}
                    </text>
                  )}
                </g>
              );
            })}
          </g>
        </svg>
      </div>
    </div>
  );
}
