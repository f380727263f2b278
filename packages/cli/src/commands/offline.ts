import { readFile } from 'node:fs/promises';
import {
  blake3,
  canonicalize,
  type ReachGraph,
  reachGraphDigest,
  sha256,
  verifyEnvelope,
  verifySigstoreBundle,
} from '@stella-ops/core';
import type { Command } from 'commander';
import { usage } from '../cli-error.js';
import type { CommandContext } from '../context.js';
import type { CliIo } from '../io/cli-io.js';
import { readInput, readJson } from '../io/read-input.js';
import { examples } from './help.js';
import { isEvidenceBundle, verifyBundleFile } from './verify-bundle.js';

type Run = (cmd: Command) => CommandContext;

function canonicalText(bytes: Buffer, ndjson: boolean): string {
  const text = bytes.toString('utf8');
  if (!ndjson) return canonicalize(JSON.parse(text));
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => `${canonicalize(JSON.parse(l))}\n`)
    .join('');
}

const isNdjsonPath = (path: string) => /\.(nd)?jsonl?$/i.test(path) && !/\.json$/i.test(path);

/** Which bytes `stella digest` hashes. */
type DigestMode = 'raw' | 'canonical' | 'reachgraph';

async function digestOf(bytes: Buffer, alg: 'blake3' | 'sha256', mode: DigestMode | undefined) {
  let value: unknown;
  let chosen = mode;
  if (chosen !== 'raw') {
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch (err) {
      if (chosen !== undefined) throw err;
      chosen = 'raw';
    }
  }
  if (chosen === undefined) {
    const isGraph = (value as { schemaVersion?: unknown } | null)?.schemaVersion === 'reachgraph.min@v1';
    chosen = isGraph && alg === 'blake3' ? 'reachgraph' : 'canonical';
  }
  if (chosen === 'reachgraph') {
    if (alg !== 'blake3') throw usage('a reachgraph digest is blake3');
    return { mode: chosen, digest: await reachGraphDigest(value as ReachGraph) };
  }
  const data = chosen === 'raw' ? bytes : Buffer.from(canonicalize(value), 'utf8');
  return { mode: chosen, digest: alg === 'blake3' ? await blake3(data) : sha256(data) };
}

/** The DSSE envelope or Sigstore bundle in a document (also inside `{envelope}` / `{attestation}`). */
function signedThing(doc: unknown): { kind: 'dsse' | 'bundle'; value: unknown } {
  const o = (doc ?? {}) as Record<string, unknown>;
  if (
    typeof o['mediaType'] === 'string' &&
    o['mediaType'].startsWith('application/vnd.dev.sigstore.bundle')
  ) {
    return { kind: 'bundle', value: doc };
  }
  if (o['envelope'] && typeof o['envelope'] === 'object') return signedThing(o['envelope']);
  if (o['attestation'] && typeof o['attestation'] === 'object') return signedThing(o['attestation']);
  return { kind: 'dsse', value: doc };
}

async function verifyFile(io: CliIo, file: string, keyFiles: string[]) {
  if (keyFiles.length === 0) throw usage('give at least one --key <pem>');
  const keys = await Promise.all(
    keyFiles.map(async (path) => ({ publicKeyPem: await readFile(path, 'utf8') })),
  );
  const doc = await readJson(io, file);
  if (isEvidenceBundle(doc)) throw usage('this is an evidence bundle: verify it with --offline');
  const thing = signedThing(doc);
  const verified =
    thing.kind === 'bundle'
      ? await verifySigstoreBundle(thing.value, keys)
      : await verifyEnvelope(thing.value, keys);
  return { kind: thing.kind, ...verified };
}

/** `stella canon`, `stella digest`, `stella verify`: no server needed. */
export function registerOffline(program: Command, run: Run): void {
  examples(
    program
      .command('canon')
      .description('print the RFC 8785 canonical form of a JSON document (or of each NDJSON line)')
      .argument('<file>', 'JSON or NDJSON file, - for stdin')
      .option('--ndjson', 'treat the input as NDJSON (default for .ndjson/.jsonl files)')
      .action(async (file: string, opts: { ndjson?: boolean }, cmd: Command) => {
        const ctx = run(cmd);
        const text = canonicalText(await readInput(ctx.io, file), opts.ndjson ?? isNdjsonPath(file));
        await ctx.out.raw(ctx.io.stdout.isTTY && !text.endsWith('\n') ? `${text}\n` : text);
      }),
    'stella canon graph.json > graph.canonical.json',
    'cat callgraph.ndjson | stella canon --ndjson -',
  );

  examples(
    program
      .command('digest')
      .description(
        'print a digest: of a reachgraph document as ReachGraph computes it, of other JSON canonicalised, else of the raw bytes',
      )
      .argument('<file>', 'file, - for stdin')
      .option('--alg <alg>', 'blake3 or sha256', 'blake3')
      .option('--mode <mode>', 'raw | canonical | reachgraph (default: by content)')
      .action(async (file: string, opts: { alg: string; mode?: string }, cmd: Command) => {
        const ctx = run(cmd);
        if (opts.alg !== 'blake3' && opts.alg !== 'sha256')
          throw usage(`--alg must be blake3 or sha256, got ${opts.alg}`);
        if (opts.mode !== undefined && !['raw', 'canonical', 'reachgraph'].includes(opts.mode)) {
          throw usage(`--mode must be raw, canonical or reachgraph, got ${opts.mode}`);
        }
        const bytes = await readInput(ctx.io, file);
        const { mode, digest } = await digestOf(bytes, opts.alg, opts.mode as DigestMode | undefined);
        ctx.out.result({ digest, alg: opts.alg, mode, file }, () => `${digest}  ${file}`);
      }),
    'stella digest graph.json                 # the digest ReachGraph gives the graph',
    'stella digest --alg sha256 --mode raw callgraph.ndjson',
  );

  examples(
    program
      .command('verify')
      .description(
        'verify a DSSE envelope or a Sigstore bundle (also {envelope} / {attestation} documents) against public keys, or (--offline) every claim of an evidence bundle; no network',
      )
      .argument('<file>', 'envelope, Sigstore bundle or (--offline) evidence bundle JSON, - for stdin')
      .option(
        '--key <pem>',
        'trusted public key (PEM file); repeat for several',
        (v: string, acc: string[]) => [...acc, v],
        [],
      )
      .option('--payload', 'print the verified payload')
      .option(
        '--offline',
        'the file is an evidence bundle (stella reachgraph bundle): print every check, exit 3 when one fails; --key pins who must have signed',
      )
      .action(
        async (file: string, opts: { key: string[]; payload?: boolean; offline?: boolean }, cmd: Command) => {
          const ctx = run(cmd);
          if (opts.offline) {
            await verifyBundleFile(ctx, file, opts.key);
            return;
          }
          const verified = await verifyFile(ctx.io, file, opts.key);
          const payload = Buffer.from(verified.payload).toString('utf8');
          ctx.out.result(
            {
              verified: true,
              kind: verified.kind,
              payloadType: verified.payloadType,
              keyIds: verified.keyIds,
              ...(opts.payload ? { payload } : {}),
            },
            () =>
              opts.payload
                ? payload
                : `${ctx.out.style('green', 'verified')} ${verified.kind} ${verified.payloadType} by ${verified.keyIds.join(', ')}`,
          );
        },
      ),
    'stella verify manifest.json --key signals.pem',
    'stella verify bundle.sigstore.json --key builder.pem --payload',
    'stella verify evidence.json --offline --key reachgraph.pem --key signals.pem',
  );
}
