// Test-only helpers (excluded from the build): key pairs, envelope mutation, error capture.
import { Buffer } from 'node:buffer';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { DsseEnvelope } from '../envelope.js';

/** A PEM key pair. */
export interface PemPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

/** A fresh ECDSA P-256 or Ed25519 key pair as PEM (PKCS#8 / SPKI). */
export function generatePair(kind: 'p256' | 'ed25519' | 'p384' | 'rsa' | 'ed448'): PemPair {
  const privateKeyEncoding = { type: 'pkcs8', format: 'pem' } as const;
  const publicKeyEncoding = { type: 'spki', format: 'pem' } as const;
  const pair =
    kind === 'p256'
      ? generateKeyPairSync('ec', { namedCurve: 'prime256v1', privateKeyEncoding, publicKeyEncoding })
      : kind === 'p384'
        ? generateKeyPairSync('ec', { namedCurve: 'secp384r1', privateKeyEncoding, publicKeyEncoding })
        : kind === 'rsa'
          ? generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding, publicKeyEncoding })
          : kind === 'ed448'
            ? generateKeyPairSync('ed448', { privateKeyEncoding, publicKeyEncoding })
            : generateKeyPairSync('ed25519', { privateKeyEncoding, publicKeyEncoding });
  return { privateKeyPem: pair.privateKey, publicKeyPem: pair.publicKey };
}

/** The error `run` throws (rejects with), or fails the test when it succeeds. */
export async function caught(run: () => unknown): Promise<{ code?: unknown }> {
  try {
    await run();
  } catch (err) {
    return err as { code?: unknown };
  }
  throw new Error('expected an error, but the call succeeded');
}

/** Standard base64 of `bytes`. */
export function b64(bytes: Uint8Array | string): string {
  return Buffer.from(bytes).toString('base64');
}

/** The bytes of standard or URL-safe base64. */
export function unb64(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'base64'));
}

/** `bytes` with byte `index` XOR-ed with `mask` (non-zero). */
export function flip(bytes: Uint8Array, index: number, mask = 0x01): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[index] = (copy[index] ?? 0) ^ mask;
  return copy;
}

/** The envelope with its payload's byte `index` changed. */
export function mutatePayload(env: DsseEnvelope, index: number, mask = 0x01): DsseEnvelope {
  return { ...env, payload: b64(flip(unb64(env.payload), index, mask)) };
}

/** The envelope with every signature's byte `index` changed. */
export function mutateSignatures(env: DsseEnvelope, index: number, mask = 0x01): DsseEnvelope {
  return {
    ...env,
    signatures: env.signatures.map((s) => ({ ...s, sig: b64(flip(unb64(s.sig), index, mask)) })),
  };
}

/** Reads a file under `packages/core/vectors/`. */
export function vector(path: string): string {
  return readFileSync(new URL(`../../../vectors/${path}`, import.meta.url), 'utf8');
}

/** Parses a JSON file under `packages/core/vectors/`. */
export function vectorJson(path: string): unknown {
  return JSON.parse(vector(path));
}
