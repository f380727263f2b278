export type { DsseEnvelope, DsseSignature } from './envelope.js';
export { parseEnvelope } from './envelope.js';
export type { Statement, StatementSubject } from './in-toto.js';
export {
  createStatement,
  IN_TOTO_PAYLOAD_TYPE,
  IN_TOTO_STATEMENT_V1,
  IN_TOTO_STATEMENT_V01,
  parseStatement,
  REACHABILITY_SLICE_PREDICATE_TYPE,
  RUNTIME_FACTS_PREDICATE_TYPE,
  statementMatchesDigest,
} from './in-toto.js';
export { keyIdFromPublicKey } from './key-id.js';
export { pae } from './pae.js';
export type { PublicJwk } from './public-key-export.js';
export { publicKeyPemFromPrivate, publicKeyToJwk } from './public-key-export.js';
export { signEnvelope } from './sign-envelope.js';
export type { Signer } from './signer.js';
export { createKeySigner } from './signer.js';
export type { TrustedKey, VerifiedEnvelope } from './verify-envelope.js';
export { verifyEnvelope } from './verify-envelope.js';
