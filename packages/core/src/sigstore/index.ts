export type { SigstoreBundle } from './bundle.js';
export { signSigstoreBundle, toSigstoreBundle } from './bundle.js';
export type { TrustedBundleKey } from './key-finder.js';
export type { VerifiedBundle, VerifyBundleOptions } from './verify-bundle.js';
export { verifySigstoreBundle } from './verify-bundle.js';
