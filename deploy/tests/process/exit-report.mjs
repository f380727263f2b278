// Preloaded into a service process by the SIGTERM tests (node --import): when the process exits,
// reports its exit code and the handles still open (sockets, servers, workers) on stderr, so a
// test can tell a drained, closed process from one that just called process.exit().
// stderr is a pipe here, and pipe writes are synchronous on Linux, so the line is never lost.
process.on('exit', (code) => {
  // Sockets still open, by peer: which client (Postgres, Redis, S3) or server connection it is.
  const sockets = process
    ._getActiveHandles()
    .filter((h) => typeof h?.remotePort === 'number' || typeof h?.localPort === 'number')
    .filter((h) => h !== process.stderr && h !== process.stdout && h !== process.stdin)
    .map((h) => `${h.localPort ?? '?'}->${h.remotePort ?? '?'}${h.destroyed ? ' (destroyed)' : ''}`);
  const report = { code, resources: process.getActiveResourcesInfo(), sockets };
  process.stderr.write(`\nEXIT_REPORT ${JSON.stringify(report)}\n`);
});
