import { useState } from 'preact/hooks';
import type { ShownProblem } from '../api/problem.js';
import { normalizeAssume } from '../model/assume.js';
import { normalizeVulnId } from '../routing/find.js';
import type { ObservedFilter, Search, SearchType } from '../routing/route.js';

const LABELS: Record<SearchType, { option: string; field: string; placeholder: string; help: string }> = {
  cve: {
    option: 'CVE',
    field: 'Vulnerability id',
    placeholder: 'CVE-2021-23337',
    help: 'A CVE or GHSA id: is it reachable, and how?',
  },
  package: {
    option: 'Package',
    field: 'Package URL',
    placeholder: 'pkg:npm/lodash@*',
    help: 'A package URL; * matches any run of characters (e.g. any version).',
  },
  entrypoint: {
    option: 'Entrypoint',
    field: 'Entrypoint node id',
    placeholder: 'app:src/server.js#main',
    help: 'What an entrypoint reaches (node id or symbol).',
  },
  file: {
    option: 'Changed file',
    field: 'File path or glob',
    placeholder: 'src/routes/*.js',
    help: 'Which entrypoints reach code in the changed files.',
  },
};

/** A search as typed: trimmed; vulnerability ids spelled as the API does ({@link normalizeVulnId}). Undefined when empty. */
export function searchOf(type: SearchType, raw: string, observed: ObservedFilter | ''): Search | undefined {
  const trimmed = raw.trim();
  if (!trimmed) return undefined;
  const value = type === 'cve' ? normalizeVulnId(trimmed) : trimmed;
  return observed ? { type, value, observed } : { type, value };
}

interface Props {
  initial: Search | undefined;
  onSearch: (search: Search) => void;
  /** The service refused the assumptions (400 ASSUME_INVALID): shown at the Assume field. */
  assumeProblem?: ShownProblem | undefined;
}

interface AssumeProps {
  id: string;
  value?: string;
  onInput?: (value: string) => void;
  /** Why the typed assumptions are refused, checked before sending. */
  error: string | undefined;
  /** The service refused them (400 ASSUME_INVALID). */
  problem: ShownProblem | undefined;
}

const described = (id: string, invalid: boolean) => (invalid ? `${id}-help ${id}-error` : `${id}-help`);

/** The Assume input: deployment facts as `KEY=VALUE,…` (its help and error are {@link AssumeNotes}). */
export function AssumeField({ id, value, onInput, error, problem }: AssumeProps) {
  const invalid = error !== undefined || problem !== undefined;
  return (
    <div class="field grow">
      <label for={id}>Assume</label>
      <input
        id={id}
        class="mono"
        value={value}
        spellcheck={false}
        autocomplete="off"
        placeholder="os=linux,FEATURE_X=disabled"
        aria-describedby={described(id, invalid)}
        aria-invalid={invalid ? 'true' : undefined}
        onInput={(e) => onInput?.(e.currentTarget.value)}
      />
    </div>
  );
}

/** What the Assume field takes, and why the assumptions were refused (here or by the service). */
export function AssumeNotes({ id, error, problem }: AssumeProps) {
  return (
    <>
      <p id={`${id}-help`} class="help full">
        Assume: deployment facts as <code>KEY=VALUE</code>, comma-separated. A path whose guard they
        contradict is left out; a guard they satisfy is no longer a condition.
      </p>
      {(error !== undefined || problem !== undefined) && (
        <p id={`${id}-error`} class="field-error full assume-error" role="alert">
          {error ?? problem?.detail ?? problem?.title}
          {error === undefined && problem?.code && (
            <>
              {' '}
              (<code>{problem.code}</code>)
            </>
          )}
        </p>
      )}
    </>
  );
}

/** Search the graph by CVE, package (wildcards), entrypoint or changed file, optionally by runtime evidence. */
export function SearchForm({ initial, onSearch, assumeProblem }: Props) {
  const [type, setType] = useState<SearchType>(initial?.type ?? 'cve');
  const [value, setValue] = useState(initial?.value ?? '');
  const [observed, setObserved] = useState<ObservedFilter | ''>(initial?.observed ?? '');
  const [assume, setAssume] = useState(initial?.assume ?? '');
  const [error, setError] = useState<string | undefined>();
  const [assumeError, setAssumeError] = useState<string | undefined>();
  const labels = LABELS[type];
  return (
    <form
      class="card search-form"
      aria-label="Search the graph"
      onSubmit={(e) => {
        e.preventDefault();
        const search = searchOf(type, value, observed);
        const assumed = normalizeAssume(assume);
        setError(search ? undefined : `Enter a ${labels.field.toLowerCase()}.`);
        setAssumeError(assumed.ok ? undefined : assumed.error);
        if (!search || !assumed.ok) return;
        if (assumed.text) search.assume = assumed.text;
        onSearch(search);
      }}
    >
      <div class="field">
        <label for="search-type">Search by</label>
        <select id="search-type" value={type} onChange={(e) => setType(e.currentTarget.value as SearchType)}>
          {(Object.keys(LABELS) as SearchType[]).map((t) => (
            <option key={t} value={t}>
              {LABELS[t].option}
            </option>
          ))}
        </select>
      </div>
      <div class="field grow">
        <label for="search-value">{labels.field}</label>
        <input
          id="search-value"
          class="mono"
          value={value}
          spellcheck={false}
          autocomplete="off"
          placeholder={labels.placeholder}
          aria-describedby={error ? 'search-help search-error' : 'search-help'}
          aria-invalid={error ? 'true' : undefined}
          onInput={(e) => setValue(e.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="search-observed">Runtime evidence</label>
        <select
          id="search-observed"
          value={observed}
          onChange={(e) => setObserved(e.currentTarget.value as ObservedFilter | '')}
        >
          <option value="">Any edge</option>
          <option value="only">Only observed at runtime</option>
          <option value="exclude">Never observed</option>
        </select>
      </div>
      <AssumeField
        id="search-assume"
        value={assume}
        onInput={(v) => {
          setAssume(v);
          setAssumeError(undefined);
        }}
        error={assumeError}
        problem={assumeError ? undefined : assumeProblem}
      />
      <div class="field">
        <button type="submit">Search</button>
      </div>
      <p id="search-help" class="help full">
        {labels.help}
      </p>
      {error && (
        <p id="search-error" class="field-error full" role="alert">
          {error}
        </p>
      )}
      <AssumeNotes id="search-assume" error={assumeError} problem={assumeError ? undefined : assumeProblem} />
    </form>
  );
}
