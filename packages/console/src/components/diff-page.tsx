import { useState } from 'preact/hooks';
import type { ReachGraphClient } from '../api/client.js';
import { assumeText, normalizeAssume } from '../model/assume.js';
import { nodeLabel, pathNodeIds } from '../model/labels.js';
import type { ReachGraphDiff, SinkStatus, SlicePath, Verdict } from '../model/types.js';
import { normalizeVulnId } from '../routing/find.js';
import {
  type DiffSearch,
  type DiffSearchType,
  diffQueryString,
  type Route,
  routeHref,
} from '../routing/route.js';
import type { Navigate } from '../routing/use-route.js';
import { Assumed, HopWhy } from './hop-chip.js';
import { Link } from './link.js';
import { PathConditions } from './path-list.js';
import { AssumeField, AssumeNotes } from './search-form.js';
import { Empty, Loading, RequestProblem } from './status.js';
import { useRequest } from './use-request.js';

type DiffRoute = Extract<Route, { page: 'diff' }>;

interface Props {
  route: DiffRoute;
  client: ReachGraphClient;
  clientKey: string;
  navigate: Navigate;
  onRequestToken: () => void;
}

const VERDICT_TEXT: Record<Verdict, string> = {
  reachable: 'Reachable',
  gated: 'Reachable only under conditions',
  not_reachable: 'Not reachable',
  unknown: 'Unknown',
};

const STATUS_TEXT: Record<SinkStatus, string> = {
  reachable: 'reachable',
  gated: 'only under conditions',
  unreachable: 'not reachable',
  absent: 'not in the graph',
};

const DIGEST = /^blake3:[0-9a-f]{64}$/;

/** The form of a diff: the base graph, a CVE or file glob, and assumptions. */
function DiffForm({
  route,
  navigate,
  assumeProblem,
}: {
  route: DiffRoute;
  navigate: Navigate;
  assumeProblem: ReturnType<typeof problemOfAssume>;
}) {
  const [base, setBase] = useState(route.base ?? '');
  const [type, setType] = useState<DiffSearchType>(route.search?.type ?? 'cve');
  const [value, setValue] = useState(route.search?.value ?? '');
  const [assume, setAssume] = useState(route.search?.assume ?? '');
  const [errors, setErrors] = useState<{ base?: string; value?: string; assume?: string }>({});
  return (
    <form
      class="card search-form"
      aria-label="What to compare"
      onSubmit={(e) => {
        e.preventDefault();
        const b = base.trim().toLowerCase();
        const v = type === 'cve' ? normalizeVulnId(value.trim()) : value.trim();
        const assumed = normalizeAssume(assume);
        const next: typeof errors = {};
        if (!DIGEST.test(b)) next.base = 'Enter the base graph’s digest (blake3: and 64 hex digits).';
        if (!v) next.value = type === 'cve' ? 'Enter a vulnerability id.' : 'Enter a file path or glob.';
        if (!assumed.ok) next.assume = assumed.error;
        setErrors(next);
        if (next.base || next.value || !assumed.ok) return;
        const search: DiffSearch = { type, value: v };
        if (assumed.text) search.assume = assumed.text;
        navigate({ page: 'diff', digest: route.digest, base: b, search });
      }}
    >
      <div class="field grow">
        <label for="diff-base">Base graph</label>
        <input
          id="diff-base"
          class="mono"
          value={base}
          spellcheck={false}
          autocomplete="off"
          placeholder="blake3:…"
          aria-describedby="diff-help"
          aria-invalid={errors.base ? 'true' : undefined}
          onInput={(e) => setBase(e.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="diff-type">Compare</label>
        <select
          id="diff-type"
          value={type}
          onChange={(e) => setType(e.currentTarget.value as DiffSearchType)}
        >
          <option value="cve">CVE</option>
          <option value="file">Changed file</option>
        </select>
      </div>
      <div class="field grow">
        <label for="diff-value">{type === 'cve' ? 'Vulnerability id' : 'File path or glob'}</label>
        <input
          id="diff-value"
          class="mono"
          value={value}
          spellcheck={false}
          autocomplete="off"
          placeholder={type === 'cve' ? 'CVE-2021-23337' : 'src/routes/*.js'}
          aria-invalid={errors.value ? 'true' : undefined}
          onInput={(e) => setValue(e.currentTarget.value)}
        />
      </div>
      <AssumeField
        id="diff-assume"
        value={assume}
        onInput={(v) => setAssume(v)}
        error={errors.assume}
        problem={errors.assume ? undefined : assumeProblem}
      />
      <div class="field">
        <button type="submit">Compare</button>
      </div>
      <p id="diff-help" class="help full">
        What changed from the base graph (e.g. the main branch) to this one: sinks newly reachable, no longer
        reachable, paths added and removed.
      </p>
      {errors.base && (
        <p class="field-error full" role="alert">
          {errors.base}
        </p>
      )}
      {errors.value && (
        <p class="field-error full" role="alert">
          {errors.value}
        </p>
      )}
      <AssumeNotes
        id="diff-assume"
        error={errors.assume}
        problem={errors.assume ? undefined : assumeProblem}
      />
    </form>
  );
}

function problemOfAssume(state: ReturnType<typeof useRequest<ReachGraphDiff>>) {
  return state.status === 'failed' && state.problem.code === 'ASSUME_INVALID' ? state.problem : undefined;
}

/** A sink of the diff: its name, id, and its status in each graph. */
function SinkItem({ id, diff }: { id: string; diff: ReachGraphDiff }) {
  const change = diff.sinks.changed.find((c) => c.node === id);
  return (
    <li data-node-id={id}>
      <span class="node-name">{nodeLabel(id)}</span> <code class="node-loc">{id}</code>
      {change && (
        <span class="help sink-change">
          {' '}
          {STATUS_TEXT[change.base]} → {STATUS_TEXT[change.head]}
        </span>
      )}
    </li>
  );
}

function SinkGroup({
  title,
  ids,
  diff,
  cls,
}: {
  title: string;
  ids: string[];
  diff: ReachGraphDiff;
  cls: string;
}) {
  if (ids.length === 0) return null;
  return (
    <div class={`sink-group ${cls}`}>
      <h3>
        {title} ({ids.length})
      </h3>
      <ul class="sink-list" aria-label={title}>
        {ids.map((id) => (
          <SinkItem key={id} id={id} diff={diff} />
        ))}
      </ul>
    </div>
  );
}

/** A path of the diff as a chain: entrypoint, then one edge chip (type, guard, file:line) per hop. */
function DiffPath({ path, index, kind }: { path: SlicePath; index: number; kind: 'added' | 'removed' }) {
  const ids = pathNodeIds(path);
  const titleId = `${kind}-path-${index}`;
  return (
    <li class={`card path diff-path diff-${kind}`} aria-labelledby={titleId}>
      <h4 id={titleId}>
        <span class="visually-hidden">
          {kind === 'added' ? 'Added' : 'Removed'} path {index}:{' '}
        </span>
        <span class="chain-text">{ids.map((id) => nodeLabel(id)).join(' → ')}</span>
      </h4>
      <PathConditions path={path} />
      <ol class="chain" aria-label={`Hops of ${kind} path ${index}`}>
        <li class="step">
          <span class="node-name" title={path.entrypoint}>
            {nodeLabel(path.entrypoint)}
          </span>
          <span class="tag tag-entry">entrypoint</span>
        </li>
        {path.hops.map((hop, i) => (
          <li key={`${hop.from}\u0000${hop.to}`} class="step" data-hop={i + 1}>
            <div class="hop">
              <span class="hop-arrow" aria-hidden="true">
                ↓
              </span>
              <HopWhy why={hop.why} />
            </div>
            <span class="node-name" title={hop.to}>
              {nodeLabel(hop.to)}
            </span>
            {i === path.hops.length - 1 && path.target === hop.to && <span class="tag tag-sink">sink</span>}
          </li>
        ))}
      </ol>
    </li>
  );
}

function PathGroup({ title, paths, kind }: { title: string; paths: SlicePath[]; kind: 'added' | 'removed' }) {
  return (
    <section class="diff-paths" aria-labelledby={`${kind}-paths-heading`}>
      <h3 id={`${kind}-paths-heading`}>
        {title} ({paths.length})
      </h3>
      {paths.length === 0 ? (
        <p class="help">None.</p>
      ) : (
        <ol class="paths" aria-label={title}>
          {paths.map((p, i) => (
            <DiffPath key={`${p.entrypoint}\u0000${p.target}\u0000${i}`} path={p} index={i + 1} kind={kind} />
          ))}
        </ol>
      )}
    </section>
  );
}

/** A reachgraph.diff@v1: the verdict before → after, the sinks that changed, the paths added and removed. */
export function DiffView({ diff, navigate }: { diff: ReachGraphDiff; navigate: Navigate }) {
  const q = diff.query;
  const what = q.type === 'cve' ? q.cve : q.file;
  const assumed = assumeText(q.assume);
  const sliceOf = (digest: string): Route => ({
    page: 'graph',
    digest,
    view: 'paths',
    format: 'mermaid',
    search: {
      type: q.type === 'file' ? 'file' : 'cve',
      value: what ?? '',
      ...(assumed ? { assume: assumed } : {}),
    },
  });
  const head = sliceOf(diff.digest);
  const base = sliceOf(diff.baseDigest);
  const s = diff.sinks;
  const nothing = s.changed.length === 0 && diff.paths.added.length === 0 && diff.paths.removed.length === 0;
  return (
    <div class="diff">
      <section
        class={`verdict diff-verdict verdict-${diff.verdict.head.replace('_', '-')}`}
        aria-labelledby="diff-verdict-heading"
        data-verdict-base={diff.verdict.base}
        data-verdict-head={diff.verdict.head}
      >
        <h2 id="diff-verdict-heading">
          <span class="visually-hidden">Verdict for {what}: </span>
          <span class="verdict-before">{VERDICT_TEXT[diff.verdict.base]}</span>
          <span aria-hidden="true"> → </span>
          <span class="visually-hidden">, now </span>
          <span class="verdict-after">{VERDICT_TEXT[diff.verdict.head]}</span>
        </h2>
        <p>
          <code>{what}</code> in the base graph, then in this one.
          {s.newlyReachable.length > 0 &&
            ` ${s.newlyReachable.length} ${s.newlyReachable.length === 1 ? 'sink is' : 'sinks are'} newly reachable: a PR check (stella reachgraph diff) fails.`}
        </p>
        <Assumed text={assumed} />
      </section>
      <p class="summary">
        Compared {diff.counts.basePaths} base {diff.counts.basePaths === 1 ? 'path' : 'paths'} with{' '}
        {diff.counts.headPaths} head {diff.counts.headPaths === 1 ? 'path' : 'paths'} ·{' '}
        <Link href={routeHref(head)} onNavigate={() => navigate(head)}>
          this graph’s slice
        </Link>{' '}
        ·{' '}
        <Link href={routeHref(base)} onNavigate={() => navigate(base)}>
          the base graph’s slice
        </Link>
        {diff.truncated && (
          <strong class="truncated" role="note">
            {' '}
            — truncated: a limit cut a slice or the path lists, so not everything was compared.
          </strong>
        )}
      </p>
      {nothing && (
        <Empty>
          <p>No change: the same sinks are reached the same way in both graphs.</p>
        </Empty>
      )}
      <section class="card sinks" aria-labelledby="diff-sinks-heading">
        <h2 id="diff-sinks-heading">Sinks</h2>
        <SinkGroup title="Newly reachable" ids={s.newlyReachable} diff={diff} cls="diff-new" />
        <SinkGroup title="No longer reachable" ids={s.noLongerReachable} diff={diff} cls="diff-gone" />
        <SinkGroup
          title="Newly reachable only under conditions"
          ids={s.newlyGated}
          diff={diff}
          cls="diff-gated"
        />
        <SinkGroup
          title="No longer reachable only under conditions"
          ids={s.noLongerGated}
          diff={diff}
          cls="diff-ungated"
        />
        <SinkGroup title="Still reachable" ids={s.stillReachable} diff={diff} cls="diff-same" />
        {s.changed.length + s.stillReachable.length === 0 && (
          <p class="help">No sink reached in either graph.</p>
        )}
      </section>
      <PathGroup title="Paths added" paths={diff.paths.added} kind="added" />
      <PathGroup title="Paths removed" paths={diff.paths.removed} kind="removed" />
      {diff.paths.truncated && (
        <p class="truncated" role="note">
          Only the first paths are listed: {diff.counts.pathsAdded} were added, {diff.counts.pathsRemoved}{' '}
          removed.
        </p>
      )}
    </div>
  );
}

/** The reachability diff of this graph against a base graph, for one CVE or file glob. */
export function DiffPage({ route, client, clientKey, navigate, onRequestToken }: Props) {
  const { base, search } = route;
  const key =
    base && search
      ? `${clientKey}\u0000${route.digest}\u0000${base}\u0000${diffQueryString(search)}`
      : undefined;
  const state = useRequest<ReachGraphDiff>(key, (signal) =>
    client.diff(route.digest, base as string, search as DiffSearch, signal),
  );
  const assumeProblem = problemOfAssume(state);
  const graph: Route = { page: 'graph', digest: route.digest, view: 'paths', format: 'mermaid' };
  return (
    <section aria-labelledby="diff-heading">
      <h1 id="diff-heading" tabIndex={-1}>
        Reachability diff of <code class="digest">{route.digest}</code>
      </h1>
      <p class="page-links">
        <Link href={routeHref(graph)} onNavigate={() => navigate(graph)}>
          Back to the graph
        </Link>
      </p>
      <DiffForm key={key ?? ''} route={route} navigate={navigate} assumeProblem={assumeProblem} />
      {!key && (
        <Empty>
          <p>
            Pick the base graph to compare with (e.g. the graph of the main branch) and a CVE or a changed
            file: the diff lists what became reachable, and what no longer is.
          </p>
        </Empty>
      )}
      {key && state.status === 'loading' && <Loading what="the diff" />}
      {key && state.status === 'failed' && !assumeProblem && (
        <RequestProblem problem={state.problem} onRequestToken={onRequestToken} />
      )}
      {key && state.status === 'done' && (
        <>
          <div class="slice-bar">
            <a class="help" href={routeHref(route)}>
              Permalink
            </a>
          </div>
          <DiffView diff={state.value} navigate={navigate} />
        </>
      )}
    </section>
  );
}
