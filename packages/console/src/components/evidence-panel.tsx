import { useState } from 'preact/hooks';
import type { ReachGraphClient } from '../api/client.js';
import { problemOf, type ShownProblem } from '../api/problem.js';
import { verifyCommand } from '../model/evidence-files.js';
import type { Search } from '../routing/route.js';
import { download } from './download.js';
import { RequestProblem } from './status.js';

interface Props {
  digest: string;
  search: Search;
  client: ReachGraphClient;
  onRequestToken: () => void;
}

type State =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'done'; fileName: string; bytes: number }
  | { status: 'failed'; problem: ShownProblem };

/**
 * The offline evidence bundle of a CVE slice (reachgraph.bundle@v1): one file with the slice, its
 * signed statement and OpenVEX document, the graph's envelope, the inputs' evidence and the public
 * keys — and how to check it with no network. The check runs in the CLI: it needs BLAKE3 and the
 * signature algorithms of Node, which the console does not ship.
 */
export function EvidencePanel({ digest, search, client, onRequestToken }: Props) {
  const [includeGraph, setIncludeGraph] = useState(false);
  const [state, setState] = useState<State>({ status: 'idle' });
  const save = async () => {
    setState({ status: 'loading' });
    try {
      const file = await client.bundle(digest, search, includeGraph);
      const fileName = file.fileName ?? 'reachgraph-bundle.json';
      download(file.text, 'application/json', fileName);
      setState({ status: 'done', fileName, bytes: new TextEncoder().encode(file.text).length });
    } catch (err) {
      setState({ status: 'failed', problem: problemOf(err) });
    }
  };
  const fileName = state.status === 'done' ? state.fileName : '<bundle.json>';
  return (
    <section class="evidence" aria-labelledby="evidence-heading">
      <h2 id="evidence-heading">Evidence bundle</h2>
      <p class="help">
        One file to check this verdict offline: the slice with its signed reachability statement and OpenVEX
        document, the signed graph, the evidence of its inputs (call graph manifests, runtime-fact
        attestations, provenance) and the signers’ public keys.
      </p>
      {search.observed && (
        <p class="help" role="note">
          The bundle holds the whole slice under the same assumptions: the runtime-evidence filter of this
          search is not part of it.
        </p>
      )}
      <div class="actions">
        <label class="checkbox">
          <input
            type="checkbox"
            checked={includeGraph}
            onChange={(e) => setIncludeGraph(e.currentTarget.checked)}
          />
          Include the graph (larger; the slice can then be recomputed from the bundle alone)
        </label>
      </div>
      <div class="actions">
        <button type="button" onClick={save} disabled={state.status === 'loading'}>
          Download evidence bundle
        </button>
        <span role="status" class="help">
          {state.status === 'loading' && 'Assembling the bundle…'}
          {state.status === 'done' &&
            `Saved ${state.fileName} (${state.bytes.toLocaleString('en-US')} bytes).`}
        </span>
      </div>
      {state.status === 'failed' && (
        <RequestProblem problem={state.problem} onRequestToken={onRequestToken} />
      )}
      <h3>Verify it offline</h3>
      <p>
        With the public key you trust for this service (without <code>--key</code> only the bundle’s integrity
        is proven, not who signed it):
      </p>
      <pre class="command">
        <code data-command="verify">{verifyCommand(fileName)}</code>
      </pre>
      <p class="help">
        It checks every signature, digest and recorded input, recomputes the slice from the graph, and names
        each check that fails.
      </p>
    </section>
  );
}
