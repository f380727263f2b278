import { useEffect, useState } from 'preact/hooks';
import type { ReachGraphClient } from '../api/client.js';
import { type FindKind, findRoute } from '../routing/find.js';
import { type ListFilter, listFilterQuery } from '../routing/list-filter.js';
import type { Navigate } from '../routing/use-route.js';
import { GraphList } from './graph-list.js';

const KINDS: Record<FindKind, { option: string; field: string; placeholder: string; help?: string }> = {
  graph: { option: 'Graph digest', field: 'Digest', placeholder: 'blake3:…' },
  artifact: { option: 'Artifact digest', field: 'Digest', placeholder: 'sha256:…' },
  cve: {
    option: 'CVE',
    field: 'Vulnerability id',
    placeholder: 'CVE-2021-23337',
    help: 'A CVE or GHSA id: every graph whose sinks or scope name it.',
  },
  purl: {
    option: 'Package',
    field: 'Package URL',
    placeholder: 'pkg:npm/lodash@*',
    help: 'A package URL, exactly, or any version of the package with @* (pkg:npm/lodash@*).',
  },
};

interface FormProps {
  filter: ListFilter | undefined;
  navigate: Navigate;
}

/** One field: a graph or artifact digest opens it; a CVE or package URL lists the graphs with it. */
function FindForm({ filter, navigate }: FormProps) {
  const [kind, setKind] = useState<FindKind>(filter?.type ?? 'graph');
  const [value, setValue] = useState(filter?.value ?? '');
  const [error, setError] = useState<string | undefined>();
  // Back and forward (and a search, once normalised) show the URL's search in the form; the form is
  // not re-created for it, so focus stays where the keyboard left it.
  const shown = filter ? listFilterQuery(filter) : '';
  useEffect(() => {
    setKind(filter?.type ?? 'graph');
    setValue(filter?.value ?? '');
    setError(undefined);
  }, [shown]);
  const labels = KINDS[kind];
  const described = [labels.help ? 'find-help' : '', error ? 'find-error' : ''].join(' ').trim();
  return (
    <form
      class="card find-form"
      aria-label="Find a graph"
      onSubmit={(e) => {
        e.preventDefault();
        const found = findRoute(kind, value);
        setError('error' in found ? found.error : undefined);
        if ('route' in found) navigate(found.route);
      }}
    >
      <fieldset class="radios">
        <legend>Look up by</legend>
        {(Object.keys(KINDS) as FindKind[]).map((k) => (
          <label key={k}>
            <input
              type="radio"
              name="kind"
              value={k}
              checked={kind === k}
              onChange={() => {
                setKind(k);
                setError(undefined);
              }}
            />
            {KINDS[k].option}
          </label>
        ))}
      </fieldset>
      <label for="find-input">{labels.field}</label>
      <div class="row">
        <input
          id="find-input"
          class="mono grow"
          value={value}
          spellcheck={false}
          autocomplete="off"
          placeholder={labels.placeholder}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={described || undefined}
          onInput={(e) => setValue(e.currentTarget.value)}
        />
        <button type="submit">{kind === 'cve' || kind === 'purl' ? 'Search' : 'Open'}</button>
      </div>
      {labels.help && (
        <p id="find-help" class="help">
          {labels.help}
        </p>
      )}
      {error && (
        <p id="find-error" class="field-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

interface Props extends FormProps {
  client: ReachGraphClient;
  clientKey: string;
  hasToken: boolean;
  onRequestToken: () => void;
}

/**
 * The start page: find a graph by its digest or an artifact's digest, or list the graphs with a CVE
 * or package (any version with `@*`); without a search, the tenant's most recent graphs.
 */
export function FindGraph({ filter, navigate, ...list }: Props) {
  return (
    <section aria-labelledby="find-heading">
      <h1 id="find-heading" tabIndex={-1}>
        Why reachable?
      </h1>
      <p class="lead">
        Find a reachability graph by its digest, its artifact, a CVE or a package, then ask it about a CVE, a
        package, an entrypoint or a changed file.
      </p>
      <FindForm filter={filter} navigate={navigate} />
      <GraphList filter={filter} navigate={navigate} {...list} />
    </section>
  );
}
