import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DsseEnvelope, pae } from '@stella-ops/core';

/**
 * Verifies every signature of a DSSE envelope with the `openssl` command line (independent of
 * node:crypto and of core): ECDSA P-256 with `dgst -sha256 -verify`, Ed25519 with `pkeyutl -rawin`.
 */
export function opensslVerifies(
  envelope: DsseEnvelope,
  publicKeyPem: string,
  algorithm: 'ec' | 'ed25519' = 'ec',
): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'signals-openssl-'));
  try {
    const message = pae(envelope.payloadType, Buffer.from(envelope.payload, 'base64'));
    writeFileSync(join(dir, 'msg'), message);
    writeFileSync(join(dir, 'pub.pem'), publicKeyPem);
    return envelope.signatures.every((s, i) => {
      const sigFile = join(dir, `sig${i}`);
      writeFileSync(sigFile, Buffer.from(s.sig, 'base64'));
      const args =
        algorithm === 'ec'
          ? ['dgst', '-sha256', '-verify', join(dir, 'pub.pem'), '-signature', sigFile, join(dir, 'msg')]
          : [
              'pkeyutl',
              '-verify',
              '-pubin',
              '-inkey',
              join(dir, 'pub.pem'),
              '-rawin',
              '-in',
              join(dir, 'msg'),
              '-sigfile',
              sigFile,
            ];
      try {
        const out = execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        return /Verified OK|Signature Verified Successfully/i.test(out);
      } catch {
        return false;
      }
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
