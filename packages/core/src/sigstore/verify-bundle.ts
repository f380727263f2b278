import { assertBundle, type Bundle, bundleFromJSON, type Envelope } from '@sigstore/bundle';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import {
  type SignedEntity,
  toSignedEntity,
  toTrustMaterial,
  type VerificationPolicy,
  Verifier,
} from '@sigstore/verify';
import { keyIdOfKeyObject } from '../dsse/key-id.js';
import { CoreError, isCoreError } from '../error.js';
import { createBundleKeyFinder, type TrustedBundleKey } from './key-finder.js';
import { EMPTY_TRUSTED_ROOT, parseTrustedRoot } from './trusted-root.js';

/** Options of {@link verifySigstoreBundle}. */
export interface VerifyBundleOptions {
  /**
   * A Sigstore trusted root (JSON, e.g. the public-good `trusted_root.json`, or parsed). Needed
   * for certificate bundles and for bundles with transparency-log entries; default: trust nothing.
   */
  trustedRoot?: unknown;
  /** Required certificate identity (certificate bundles): exact SAN and OIDC issuer. */
  identity?: { subjectAlternativeName?: string; issuer?: string };
  /** Minimum verified tlog entries; default 1 for certificate bundles, 0 for public-key bundles. */
  tlogThreshold?: number;
  /** Minimum verified SCTs in the certificate; default 1 (only certificate bundles have SCTs). */
  ctlogThreshold?: number;
  /** Minimum verified timestamps; default 1 for certificate bundles, 0 for public-key bundles. */
  timestampThreshold?: number;
}

/** What a verified bundle carries and who signed it. */
export interface VerifiedBundle {
  payload: Uint8Array;
  payloadType: string;
  /** Public-key bundles: the trusted key's id. Certificate bundles: `sha256:` id of the leaf key. */
  keyIds: string[];
  /** Certificate bundles: the signer identity from the Fulcio certificate. */
  identity?: { subjectAlternativeName?: string; issuer?: string };
}

function bundleInvalid(message: string, cause?: unknown): CoreError {
  return new CoreError({ code: 'SIGSTORE_BUNDLE_INVALID', message: `Sigstore bundle: ${message}`, cause });
}

function readBundle(json: unknown): { envelope: Envelope; entity: SignedEntity } {
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(typeof json === 'string' ? JSON.parse(json) : json);
    assertBundle(bundle);
  } catch (cause) {
    throw bundleInvalid('not a Sigstore bundle', cause);
  }
  if (bundle.content.$case !== 'dsseEnvelope') throw bundleInvalid('not a DSSE bundle');
  try {
    return { envelope: bundle.content.dsseEnvelope, entity: toSignedEntity(bundle) };
  } catch (cause) {
    throw bundleInvalid('unreadable certificate or timestamp', cause);
  }
}

function toPolicy(identity: VerifyBundleOptions['identity']): VerificationPolicy | undefined {
  if (identity === undefined) return undefined;
  const policy: VerificationPolicy = {};
  if (identity.subjectAlternativeName !== undefined)
    policy.subjectAlternativeName = identity.subjectAlternativeName;
  if (identity.issuer !== undefined) policy.extensions = { issuer: identity.issuer };
  return policy;
}

/**
 * Verifies a Sigstore bundle holding a DSSE envelope, offline, with `@sigstore/verify`: the DSSE
 * signature over PAE(payloadType, payload) with the key the public-key hint names (or the
 * certificate's key, chained to a Fulcio CA of `trustedRoot` at the log's time, with its SCTs),
 * every transparency-log entry present (inclusion promise or proof against `trustedRoot`'s Rekor
 * keys, and its body against the envelope's payload hash and signature), every RFC 3161 timestamp,
 * and the identity asked for.
 * @param bundle the bundle's JSON (parsed or text).
 * @param trustedKeys keys for public-key bundles, found by hint (`hint`, `keyId` or `sha256:` id).
 * @throws CoreError `SIGSTORE_BUNDLE_INVALID` when `bundle` is not a Sigstore bundle with a DSSE
 * envelope, `KEY_INVALID` for an unusable trusted key, `SIGSTORE_VERIFICATION_FAILED` for anything
 * that does not verify (signature, unknown hint, tlog entry, certificate, identity, thresholds).
 */
export async function verifySigstoreBundle(
  bundle: unknown,
  trustedKeys: TrustedBundleKey[],
  opts: VerifyBundleOptions = {},
): Promise<VerifiedBundle> {
  const { envelope, entity } = readBundle(bundle);
  const keys = createBundleKeyFinder(trustedKeys);
  const root: TrustedRoot =
    opts.trustedRoot === undefined ? EMPTY_TRUSTED_ROOT : parseTrustedRoot(opts.trustedRoot);
  const isCertificate = entity.key.$case === 'certificate';
  const base = isCertificate ? 1 : 0;
  let signer: ReturnType<Verifier['verify']>;
  try {
    const verifier = new Verifier(toTrustMaterial(root, keys.find), {
      tlogThreshold: opts.tlogThreshold ?? base,
      ctlogThreshold: opts.ctlogThreshold ?? 1,
      timestampThreshold: opts.timestampThreshold ?? base,
    });
    // @sigstore/verify checks a certificate chain once per timestamp: with no timestamp it would
    // not check the chain at all.
    if (isCertificate && entity.timestamps.length === 0)
      throw new Error('certificate bundle without a timestamp');
    signer = verifier.verify(entity, toPolicy(opts.identity));
  } catch (cause) {
    if (isCoreError(cause)) throw cause;
    const code = (cause as { code?: unknown }).code;
    throw new CoreError({
      code: 'SIGSTORE_VERIFICATION_FAILED',
      message: `Sigstore verification failed${typeof code === 'string' ? ` (${code})` : ''}`,
      cause,
    });
  }
  const { payload, payloadType } = envelope;
  const result: VerifiedBundle = {
    payload: new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength),
    payloadType,
    keyIds: [
      entity.key.$case === 'public-key' ? keys.keyIdFor(entity.key.hint) : keyIdOfKeyObject(signer.key),
    ],
  };
  if (signer.identity !== undefined) {
    const { subjectAlternativeName, extensions } = signer.identity;
    result.identity = { subjectAlternativeName, issuer: extensions?.issuer };
  }
  return result;
}
