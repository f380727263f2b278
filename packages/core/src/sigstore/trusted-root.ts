import { TrustedRoot } from '@sigstore/protobuf-specs';
import { CoreError } from '../error.js';

/** A trusted root that trusts no Fulcio CA, Rekor log, CT log or TSA: public keys only. */
export const EMPTY_TRUSTED_ROOT: TrustedRoot = {
  mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  tlogs: [],
  certificateAuthorities: [],
  ctlogs: [],
  timestampAuthorities: [],
};

/**
 * Reads a Sigstore trusted root (the JSON of `trusted_root.json`, e.g. the public-good instance's)
 * into its protobuf form. No network: the caller supplies the document.
 * @throws CoreError `SIGSTORE_VERIFICATION_FAILED` when it is not a trusted root document (nothing
 * could be verified against it).
 */
export function parseTrustedRoot(json: unknown): TrustedRoot {
  const mediaType =
    typeof json === 'object' && json !== null && 'mediaType' in json
      ? (json as { mediaType: unknown }).mediaType
      : undefined;
  if (typeof mediaType !== 'string' || !mediaType.startsWith('application/vnd.dev.sigstore.trustedroot')) {
    throw new CoreError({
      code: 'SIGSTORE_VERIFICATION_FAILED',
      message: 'Sigstore trusted root: not a trusted root document (mediaType)',
    });
  }
  try {
    return TrustedRoot.fromJSON(json);
  } catch (cause) {
    throw new CoreError({
      code: 'SIGSTORE_VERIFICATION_FAILED',
      message: 'Sigstore trusted root: unreadable',
      cause,
    });
  }
}
