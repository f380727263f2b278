// Interop with the OpenSSL command line: what we sign verifies with `openssl`, and what `openssl`
// signs (keys and signatures) verifies with verifyEnvelope. Temp files live only in this test.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { b64, caught, flip, generatePair } from './__tests__/fixtures.js';
import { pae } from './pae.js';
import { publicKeyPemFromPrivate } from './public-key-export.js';
import { signEnvelope } from './sign-envelope.js';
import { createKeySigner } from './signer.js';
import { verifyEnvelope } from './verify-envelope.js';

const OPENSSL = '/usr/bin/openssl';
const TYPE = 'application/vnd.in-toto+json';
const payload = new TextEncoder().encode('{"_type":"https://in-toto.io/Statement/v1","ü":1}');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stella-dsse-openssl-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function openssl(...args: string[]): { ok: boolean; out: string } {
  const run = spawnSync(OPENSSL, args, { cwd: dir, encoding: 'utf8' });
  return { ok: run.status === 0, out: `${run.stdout}${run.stderr}` };
}

function put(name: string, data: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
}

function sigBytes(sig: string | undefined): Uint8Array {
  return new Uint8Array(Buffer.from(sig ?? '', 'base64'));
}

describe('envelopes we sign verify with openssl', () => {
  it('P-256: openssl dgst -sha256 -verify over the PAE with the DER signature', async () => {
    const { privateKeyPem, publicKeyPem } = generatePair('p256');
    const env = await signEnvelope(payload, TYPE, [createKeySigner(privateKeyPem)]);
    const pub = put('p256.pub.pem', publicKeyPem);
    const sig = put('p256.sig.der', sigBytes(env.signatures[0]?.sig));
    const message = put('p256.pae.bin', pae(TYPE, payload));
    const good = openssl('dgst', '-sha256', '-verify', pub, '-signature', sig, message);
    expect(good).toEqual({ ok: true, out: expect.stringContaining('Verified OK') });
    // The harness can fail: one changed PAE byte is rejected by openssl too.
    put('p256.pae.bin', flip(pae(TYPE, payload), 20));
    expect(openssl('dgst', '-sha256', '-verify', pub, '-signature', sig, message).ok).toBe(false);
  });

  it('Ed25519: openssl pkeyutl -verify -rawin over the PAE', async () => {
    const { privateKeyPem, publicKeyPem } = generatePair('ed25519');
    const env = await signEnvelope(payload, TYPE, [createKeySigner(privateKeyPem)]);
    const pub = put('ed.pub.pem', publicKeyPem);
    const sig = put('ed.sig', sigBytes(env.signatures[0]?.sig));
    const message = put('ed.pae.bin', pae(TYPE, payload));
    const args = ['pkeyutl', '-verify', '-pubin', '-inkey', pub, '-rawin', '-in', message, '-sigfile', sig];
    expect(openssl(...args)).toEqual({
      ok: true,
      out: expect.stringContaining('Signature Verified Successfully'),
    });
    put('ed.pae.bin', flip(pae(TYPE, payload), 20));
    expect(openssl(...args).ok).toBe(false);
  });
});

describe('keys and signatures made by openssl verify with verifyEnvelope', () => {
  it('P-256: genpkey + dgst -sha256 -sign (DER)', async () => {
    const key = put('o-p256.key.pem', '');
    expect(
      openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key).ok,
    ).toBe(true);
    const pubPath = join(dir, 'o-p256.pub.pem');
    expect(openssl('pkey', '-in', key, '-pubout', '-out', pubPath).ok).toBe(true);
    const publicKeyPem = readFileSync(pubPath, 'utf8');
    expect(publicKeyPemFromPrivate(readFileSync(key, 'utf8'))).toBe(publicKeyPem);
    const message = put('o-p256.pae.bin', pae(TYPE, payload));
    const sigPath = join(dir, 'o-p256.sig.der');
    expect(openssl('dgst', '-sha256', '-sign', key, '-out', sigPath, message).ok).toBe(true);
    const env = {
      payload: b64(payload),
      payloadType: TYPE,
      signatures: [{ sig: b64(readFileSync(sigPath)) }],
    };
    expect((await verifyEnvelope(env, [{ keyId: 'o', publicKeyPem }])).keyIds).toEqual(['o']);
    const wrongType = { ...env, payloadType: 'application/json' };
    expect((await caught(() => verifyEnvelope(wrongType, [{ publicKeyPem }]))).code).toBe(
      'DSSE_VERIFICATION_FAILED',
    );
  });

  it('P-256: a SEC1 key from ecparam -genkey signs through createKeySigner', async () => {
    const key = join(dir, 'o-sec1.key.pem');
    expect(openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key).ok).toBe(true);
    const pem = readFileSync(key, 'utf8');
    expect(pem).toContain('BEGIN EC PRIVATE KEY');
    const env = await signEnvelope(payload, TYPE, [createKeySigner(pem)]);
    await expect(
      verifyEnvelope(env, [{ publicKeyPem: publicKeyPemFromPrivate(pem) }]),
    ).resolves.toBeDefined();
  });

  it('Ed25519: genpkey + pkeyutl -sign -rawin', async () => {
    const key = join(dir, 'o-ed.key.pem');
    expect(openssl('genpkey', '-algorithm', 'ED25519', '-out', key).ok).toBe(true);
    const pubPath = join(dir, 'o-ed.pub.pem');
    expect(openssl('pkey', '-in', key, '-pubout', '-out', pubPath).ok).toBe(true);
    const message = put('o-ed.pae.bin', pae(TYPE, payload));
    const sigPath = join(dir, 'o-ed.sig');
    expect(openssl('pkeyutl', '-sign', '-inkey', key, '-rawin', '-in', message, '-out', sigPath).ok).toBe(
      true,
    );
    const publicKeyPem = readFileSync(pubPath, 'utf8');
    const env = {
      payload: b64(payload),
      payloadType: TYPE,
      signatures: [{ sig: b64(readFileSync(sigPath)) }],
    };
    await expect(verifyEnvelope(env, [{ publicKeyPem }])).resolves.toMatchObject({ payloadType: TYPE });
    const flipped = { ...env, payload: b64(flip(payload, 0)) };
    expect((await caught(() => verifyEnvelope(flipped, [{ publicKeyPem }]))).code).toBe(
      'DSSE_VERIFICATION_FAILED',
    );
  });

  it.each([
    ['RSA', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']],
    ['secp384r1', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:secp384r1']],
  ])('an openssl %s key is KEY_INVALID', async (_what, args) => {
    const key = join(dir, `bad-${_what}.pem`);
    expect(openssl(...args, '-out', key).ok).toBe(true);
    const pem = readFileSync(key, 'utf8');
    expect((await caught(() => createKeySigner(pem))).code).toBe('KEY_INVALID');
    const pub = publicKeyPemFromPrivate(generatePair('p256').privateKeyPem);
    const env = await signEnvelope(payload, TYPE, [createKeySigner(generatePair('p256').privateKeyPem)]);
    const trusted = [{ publicKeyPem: pub }, { publicKeyPem: pem }];
    expect((await caught(() => verifyEnvelope(env, trusted))).code).toBe('KEY_INVALID');
  });
});
