'use strict';
// Runs s3rver (a real S3-protocol HTTP server) in its own process for @stella-ops/testkit.
// It must run as a child process because its ListObjectsV2 continuation tokens use DES, which
// Node's OpenSSL 3 only provides with `--openssl-legacy-provider` (DESIGN.md §6).
//
// Usage: node --openssl-legacy-provider s3rver-runner.cjs <port|0> <directory>
// Prints one line `S3RVER_READY <port>` on stdout once it accepts connections.
const fs = require('node:fs');
const path = require('node:path');
const utils = require('s3rver/lib/utils');

// Real S3 (and MinIO) list keys in UTF-8 byte order; s3rver lists in directory-walk order, so
// `a/b` came before `a-c` and StartAfter pagination (which compares strings) could skip keys.
// Walk each directory in key order instead: a directory `d` sorts as `d/`, a file by the key
// segment before s3rver's `._S3rver_*` suffix. This must run before s3rver loads its store,
// which takes `walk` from utils when it is required.
const SUFFIX = /\._S3rver_.*$/;
utils.walk = function* walk(dir, recurseFilter) {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).map((e) => ({
    path: path.posix.join(dir, e.name),
    isDir: e.isDirectory(),
    sortKey: Buffer.from(e.isDirectory() ? `${e.name}/` : e.name.replace(SUFFIX, '')),
  }));
  entries.sort((a, b) => Buffer.compare(a.sortKey, b.sortKey));
  for (const entry of entries) {
    if (!entry.isDir) yield entry.path;
    else if (!recurseFilter || recurseFilter(entry.path)) yield* walk(entry.path, recurseFilter);
  }
};

const S3rver = require('s3rver');

const [portArg, directory] = process.argv.slice(2);
if (portArg === undefined || directory === undefined) {
  process.stderr.write('usage: s3rver-runner.cjs <port> <directory>\n');
  process.exit(2);
}

const server = new S3rver({
  address: '127.0.0.1',
  port: Number(portArg),
  directory,
  silent: true,
});

server.run().then(
  (address) => process.stdout.write(`S3RVER_READY ${address.port}\n`),
  (err) => {
    process.stderr.write(`s3rver failed to start: ${err?.stack ?? err}\n`);
    process.exit(1);
  },
);

// Never outlive the test process that started us, even when it dies without cleaning up.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 500);

process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
