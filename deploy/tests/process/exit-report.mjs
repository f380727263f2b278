// Preloaded into a service process by the SIGTERM tests (node --import): when the process exits,
// reports its exit code and the handles still open (sockets, servers, workers) on stderr, so a
// test can tell a drained, closed process from one that just called process.exit().
// stderr is a pipe here, and pipe writes are synchronous on Linux, so the line is never lost.
process.on('exit', (code) => {
  const stdio = new Set([process.stdin, process.stdout, process.stderr]);
  // Sockets by peer port (which client: Postgres, Redis, S3, or an HTTP connection). A socket
  // destroyed in the last tick is still listed as a resource until libuv runs its close callback:
  // it is closed already (its fd is released), so it is reported apart.
  const sockets = process
    ._getActiveHandles()
    .filter((h) => !stdio.has(h) && typeof h?.destroyed === 'boolean' && 'remotePort' in h)
    .map((h) => ({ peer: `${h.localPort ?? '?'}->${h.remotePort ?? '?'}`, destroyed: h.destroyed }));
  const report = { code, resources: process.getActiveResourcesInfo(), sockets };
  process.stderr.write(`\nEXIT_REPORT ${JSON.stringify(report)}\n`);
});
