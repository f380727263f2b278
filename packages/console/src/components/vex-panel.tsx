import { useState } from 'preact/hooks';
import type { FetchedVex, ReachGraphClient } from '../api/client.js';
import { problemOf, type ShownProblem } from '../api/problem.js';
import { attestationFileName, vexFileName } from '../model/evidence-files.js';
import type { OpenVexStatement } from '../model/types.js';
import { type Search, sliceQueryString, withoutCursor } from '../routing/route.js';
import { download } from './download.js';
import { Loading, ProblemBox, RequestProblem } from './status.js';
import { useRequest } from './use-request.js';

interface Props {
  digest: string;
  search: Search;
  client: ReachGraphClient;
  clientKey: string;
  onRequestToken: () => void;
}

const STATUS_TEXT: Record<OpenVexStatement['status'], string> = {
  affected: 'Affected',
  not_affected: 'Not affected',
  fixed: 'Fixed',
  under_investigation: 'Under investigation',
};

const JUSTIFICATION_TEXT: Record<NonNullable<OpenVexStatement['justification']>, string> = {
  component_not_present: 'the component is not present',
  vulnerable_code_not_present: 'the vulnerable code is not present',
  vulnerable_code_not_in_execute_path: 'the vulnerable code is not in the execute path',
  vulnerable_code_cannot_be_controlled_by_adversary:
    'the vulnerable code cannot be controlled by an adversary',
  inline_mitigations_already_exist: 'inline mitigations already exist',
};

function StatementView({ statement }: { statement: OpenVexStatement }) {
  const products = statement.products ?? [];
  return (
    <dl class="vex-statement">
      <dt>Status</dt>
      <dd>
        <span class={`vex-status vex-${statement.status}`} data-vex-status={statement.status}>
          {STATUS_TEXT[statement.status]}
        </span>
      </dd>
      <dt>Vulnerability</dt>
      <dd>
        <code>{statement.vulnerability.name}</code>
      </dd>
      {products.length > 0 && (
        <>
          <dt>Product</dt>
          <dd>
            {products.map((p) => (
              <code key={p['@id'] ?? ''} class="vex-product">
                {p['@id'] ?? p.identifiers?.purl ?? ''}
              </code>
            ))}
          </dd>
        </>
      )}
      {statement.justification && (
        <>
          <dt>Justification</dt>
          <dd data-vex-justification={statement.justification}>
            <code>{statement.justification}</code>: {JUSTIFICATION_TEXT[statement.justification]}
          </dd>
        </>
      )}
      {statement.impact_statement && (
        <>
          <dt>Impact statement</dt>
          <dd class="vex-impact">{statement.impact_statement}</dd>
        </>
      )}
      {statement.action_statement && (
        <>
          <dt>Action</dt>
          <dd>{statement.action_statement}</dd>
        </>
      )}
      {statement.status_notes && (
        <>
          <dt>Notes</dt>
          <dd class="vex-notes">{statement.status_notes}</dd>
        </>
      )}
    </dl>
  );
}

/** Downloads the DSSE envelope of the signed reachability-slice statement; a service without a key says so. */
function AttestationDownload({ digest, search, client, onRequestToken }: Omit<Props, 'clientKey'>) {
  const [state, setState] = useState<
    | { status: 'idle' }
    | { status: 'loading' }
    | { status: 'done'; fileName: string }
    | { status: 'failed'; problem: ShownProblem }
  >({ status: 'idle' });
  const save = async () => {
    setState({ status: 'loading' });
    try {
      const file = await client.attestation(digest, search);
      const fileName = attestationFileName(digest, search.value, search.assume);
      download(file.text, 'application/json', fileName);
      setState({ status: 'done', fileName });
    } catch (err) {
      setState({ status: 'failed', problem: problemOf(err) });
    }
  };
  const unsigned = state.status === 'failed' && state.problem.code === 'SIGNING_KEY_NOT_CONFIGURED';
  return (
    <div class="attestation">
      <button type="button" onClick={save} disabled={state.status === 'loading'}>
        Download signed attestation (DSSE)
      </button>
      <span role="status" class="help">
        {state.status === 'loading' && 'Signing…'}
        {state.status === 'done' &&
          `Saved ${state.fileName}: an in-toto statement of the reachability slice, signed.`}
      </span>
      {unsigned && (
        <ProblemBox
          problem={state.problem}
          hint="This service has no signing key, so it cannot sign the claim. The OpenVEX document above is still derived from the graph: anyone can replay it, but no one vouches for it."
        />
      )}
      {state.status === 'failed' && !unsigned && (
        <RequestProblem problem={state.problem} onRequestToken={onRequestToken} />
      )}
    </div>
  );
}

function VexDocument({ vex, digest, search }: { vex: FetchedVex; digest: string; search: Search }) {
  const doc = vex.document;
  const fileName = vexFileName(digest, search.value, search.assume);
  return (
    <>
      {doc.statements.map((st, i) => (
        <StatementView key={`${st.vulnerability.name}\u0000${i}`} statement={st} />
      ))}
      <p class="help vex-meta">
        By {doc.author}, {doc.timestamp} (derived from the graph, not the time of this request)
        {doc.tooling ? ` · ${doc.tooling}` : ''}
        {vex.etag && (
          <>
            {' '}
            · sha256{' '}
            <code class="digest" data-vex-sha256={vex.etag.replace(/^sha256:/, '')}>
              {vex.etag.replace(/^sha256:/, '')}
            </code>
          </>
        )}
      </p>
      <div class="actions">
        <button type="button" onClick={() => download(vex.text, 'application/json', fileName)}>
          Download OpenVEX
        </button>
        <span class="help mono">{fileName}</span>
      </div>
      <label for="vex-text" class="visually-hidden">
        OpenVEX JSON (formatted; the download is the exact signed bytes)
      </label>
      <textarea
        id="vex-text"
        class="export-preview vex-json"
        readOnly
        spellcheck={false}
        wrap="off"
        rows={16}
        value={JSON.stringify(doc, null, 2)}
      />
    </>
  );
}

/**
 * A CVE slice as OpenVEX: the statement's status, justification and impact read out, the document
 * (exactly the bytes the service hashed) and the signed attestation to download.
 */
export function VexPanel({ digest, search, client, clientKey, onRequestToken }: Props) {
  const query = withoutCursor(search);
  const state = useRequest<FetchedVex>(
    `${clientKey}\u0000${digest}\u0000vex\u0000${sliceQueryString(query)}`,
    (signal) => client.vex(digest, query, signal),
  );
  return (
    <section class="vex" aria-labelledby="vex-heading">
      <h2 id="vex-heading">OpenVEX</h2>
      <p class="help">
        The verdict as a VEX statement: <em>affected</em> when a vulnerable function is reachable (also only
        under conditions), <em>not affected</em> (vulnerable code not in the execute path) when none is,{' '}
        <em>under investigation</em> when the graph has no vulnerable function for this CVE.
      </p>
      {state.status === 'loading' && <Loading what="the OpenVEX document" />}
      {state.status === 'failed' && (
        <RequestProblem problem={state.problem} onRequestToken={onRequestToken} />
      )}
      {state.status === 'done' && (
        <>
          <VexDocument vex={state.value} digest={digest} search={query} />
          <AttestationDownload
            digest={digest}
            search={query}
            client={client}
            onRequestToken={onRequestToken}
          />
        </>
      )}
    </section>
  );
}
