import { HttpProblem, problems } from '@stella-ops/service-kit';

/** Stable codes the Signals service answers with (besides service-kit's and core's). */
export type SignalsErrorCode =
  | 'CALLGRAPH_NOT_FOUND'
  | 'CALLGRAPH_EXPIRED'
  | 'BATCH_NOT_FOUND'
  | 'BATCH_EXPIRED'
  | 'CALLGRAPH_EMPTY'
  | 'CALLGRAPH_HEADER_MISSING'
  | 'CALLGRAPH_HEADER_DUPLICATE'
  | 'NODE_ID_DUPLICATE'
  | 'EDGE_NODE_UNKNOWN'
  | 'LANGUAGE_UNKNOWN'
  | 'PURL_INVALID'
  | 'PROVENANCE_HASH_MISMATCH'
  | 'QUERY_INVALID'
  | 'CURSOR_INVALID'
  | 'TENANT_UNKNOWN'
  | 'TENANT_MISMATCH'
  | 'CAS_READ_ONLY'
  | 'SIGNATURE_INVALID'
  | 'ENVELOPE_INVALID'
  | 'MANIFEST_INTEGRITY_FAILED'
  | 'ATTESTATION_INTEGRITY_FAILED'
  | 'PROVENANCE_INTEGRITY_FAILED';

/** A violation found in an uploaded NDJSON line (422 with the line number). */
export function lineProblem(
  code: SignalsErrorCode | 'SCHEMA_INVALID',
  line: number,
  message: string,
  errors?: { pointer: string; message: string; keyword?: string }[],
): HttpProblem {
  return problems.unprocessable(
    code,
    `line ${line}: ${message}`,
    (errors ?? [{ pointer: '', message }]).map((e) => ({ ...e, line })),
  );
}

/** 404 for ids the caller's tenant does not have (another tenant's id answers exactly the same). */
export function notFound(code: 'CALLGRAPH_NOT_FOUND' | 'BATCH_NOT_FOUND', id: string): HttpProblem {
  const what = code === 'CALLGRAPH_NOT_FOUND' ? 'call graph' : 'runtime-fact batch';
  return problems.notFound(code, `no ${what} ${id}`);
}

/** 410 for content retention GC removed (manifests and attestations stay). */
export function expired(code: 'CALLGRAPH_EXPIRED' | 'BATCH_EXPIRED', id: string): HttpProblem {
  return new HttpProblem({
    status: 410,
    code,
    title: 'Gone',
    detail: `${id} was removed by retention`,
  });
}

/**
 * Stored content that fails its signature or integrity checks: our storage was tampered with or
 * corrupted, never the client's fault (502, like service-kit's BLOB_INTEGRITY_FAILED).
 */
export function integrityFailure(
  code:
    | 'SIGNATURE_INVALID'
    | 'ENVELOPE_INVALID'
    | 'MANIFEST_INTEGRITY_FAILED'
    | 'ATTESTATION_INTEGRITY_FAILED'
    | 'PROVENANCE_INTEGRITY_FAILED',
  detail: string,
  cause?: unknown,
): HttpProblem {
  return new HttpProblem({ status: 502, code, title: 'Stored content failed verification', detail, cause });
}
