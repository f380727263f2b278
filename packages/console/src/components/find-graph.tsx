import { useState } from 'preact/hooks';
import type { Navigate } from '../routing/use-route.js';

type Kind = 'graph' | 'artifact';

/** The kind a digest names: sha256/sha512 are artifacts; blake3 is taken as the user chose. */
export function kindOf(value: string, chosen: Kind): Kind {
  return /^sha(256|512):/i.test(value) ? 'artifact' : chosen;
}

/** The start page: find a graph by its digest, or the graphs of an artifact by the artifact's digest. */
export function FindGraph({ navigate }: { navigate: Navigate }) {
  const [kind, setKind] = useState<Kind>('graph');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>();
  return (
    <section aria-labelledby="find-heading">
      <h1 id="find-heading" tabIndex={-1}>
        Why reachable?
      </h1>
      <p class="lead">
        Find a reachability graph, then ask it about a CVE, a package, an entrypoint or a changed file.
      </p>
      <form
        class="card find-form"
        aria-label="Find a graph"
        onSubmit={(e) => {
          e.preventDefault();
          const v = value.trim();
          if (!v) {
            setError('Enter a graph digest (blake3:…) or an artifact digest (sha256:…).');
            return;
          }
          setError(undefined);
          const k = kindOf(v, kind);
          navigate(
            k === 'artifact'
              ? { page: 'artifact', artifact: v }
              : { page: 'graph', digest: v, view: 'paths', format: 'mermaid' },
          );
        }}
      >
        <fieldset class="radios">
          <legend>Look up by</legend>
          <label>
            <input
              type="radio"
              name="kind"
              value="graph"
              checked={kind === 'graph'}
              onChange={() => setKind('graph')}
            />
            Graph digest
          </label>
          <label>
            <input
              type="radio"
              name="kind"
              value="artifact"
              checked={kind === 'artifact'}
              onChange={() => setKind('artifact')}
            />
            Artifact digest
          </label>
        </fieldset>
        <label for="digest-input">Digest</label>
        <div class="row">
          <input
            id="digest-input"
            class="mono grow"
            value={value}
            spellcheck={false}
            autocomplete="off"
            placeholder={kind === 'graph' ? 'blake3:…' : 'sha256:…'}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={error ? 'digest-error' : undefined}
            onInput={(e) => setValue(e.currentTarget.value)}
          />
          <button type="submit">Open</button>
        </div>
        {error && (
          <p id="digest-error" class="field-error" role="alert">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}
