import type { EdgeType, SliceHop } from '../model/types.js';

/** What each edge type means (ReachGraph spec, Edge Explainability). */
export const EDGE_TYPE_HELP: Record<EdgeType, string> = {
  DirectCall: 'a plain static call',
  Import: 'a module import',
  DynamicLoad: 'code loaded at run time (dynamic require, dlopen)',
  Reflection: 'reflective or dynamic dispatch',
  EnvGuard: 'only when an environment variable is set',
  FeatureFlag: 'only when a feature flag is on',
  PlatformArch: 'only on some platform or architecture',
  LoaderRule: 'added by a loader rule',
};

/** The chip naming an edge's type. */
export function EdgeChip({ type }: { type: EdgeType }) {
  return (
    <span class={`chip chip-${type}`} data-edge-type={type} title={`${type}: ${EDGE_TYPE_HELP[type]}`}>
      {type}
    </span>
  );
}

/** Why a hop exists: its edge type chip, the guard it depends on and where the call is. */
export function HopWhy({ why }: { why: SliceHop['why'] }) {
  return (
    <>
      <EdgeChip type={why.type} />
      {why.guard && (
        <span class="guard-label">
          guard <code class="guard">{why.guard}</code>
        </span>
      )}
      {why.loc && (
        <code class="loc" title="where the call is">
          {why.loc}
        </code>
      )}
    </>
  );
}

/** The assumptions a query was answered under, `A=1,B=2` (nothing when there are none). */
export function Assumed({ text }: { text: string | undefined }) {
  if (!text) return null;
  return (
    <p class="assumed">
      Assuming <code data-assume={text}>{text.split(',').join(', ')}</code>.
    </p>
  );
}

/** `1 hit`, `1,231 hits`. */
export function hits(count: number): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? 'hit' : 'hits'}`;
}

/** The badge of a hop seen at runtime, with the hits when the slice carries them. */
export function RuntimeBadge({ count }: { count?: number | undefined }) {
  const text = count === undefined ? 'observed at runtime' : `observed at runtime · ${hits(count)}`;
  return (
    <span class="badge runtime" data-runtime="observed" title="This call was seen by a runtime agent">
      <span aria-hidden="true">● </span>
      {text}
    </span>
  );
}
