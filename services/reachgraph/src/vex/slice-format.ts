import { problems } from '@stella-ops/service-kit';

/** What `GET …/slice?format=` answers: the slice itself, its OpenVEX document, or the signed statement. */
export type SliceFormat = 'json' | 'openvex' | 'openvex-dsse';

const FORMATS: readonly SliceFormat[] = ['json', 'openvex', 'openvex-dsse'];

/** Paging parameters have no meaning for a VEX answer (it covers the whole slice). */
const PAGING = ['limit', 'cursor'] as const;

function formatProblem(pointer: string, detail: string) {
  return problems.badRequest('FORMAT_INVALID', detail, [{ pointer, message: detail }]);
}

/**
 * Splits `?format` off the slice parameters. 400 `FORMAT_INVALID` for a repeated or unknown
 * format, and for paging parameters with a VEX format (its answer covers the whole slice); `json`
 * (the default) leaves the request as it was.
 */
export function takeSliceFormat(params: Record<string, unknown>): {
  format: SliceFormat;
  rest: Record<string, unknown>;
} {
  const { format: raw, ...rest } = params;
  if (raw === undefined) return { format: 'json', rest };
  if (typeof raw !== 'string') throw formatProblem('/format', '?format must be given once');
  if (!(FORMATS as readonly string[]).includes(raw)) {
    throw formatProblem('/format', `?format must be one of ${FORMATS.join(', ')}`);
  }
  const format = raw as SliceFormat;
  if (format !== 'json') {
    for (const name of PAGING) {
      if (rest[name] !== undefined) {
        throw formatProblem(
          `/${name}`,
          `?${name} does not apply to ?format=${format}: it covers the whole slice`,
        );
      }
    }
  }
  return { format, rest };
}

/** 400 `FORMAT_INVALID` when a VEX format is asked of anything but a CVE slice. */
export function checkEvidenceRequest(format: SliceFormat, queryType: string): void {
  if (format !== 'json' && queryType !== 'cve') {
    throw formatProblem('/format', `?format=${format} needs a CVE slice (?cve=), not a ${queryType} slice`);
  }
}
