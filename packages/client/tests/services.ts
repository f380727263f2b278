import { generateKeyPairSync } from 'node:crypto';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createSuite,
  token as reachgraphToken,
  type Suite,
} from '../../../services/reachgraph/tests/helpers.js';
import { type Harness, startHarness } from '../../../services/signals/tests/harness.js';

/** Both services listening on free ports over real Postgres, S3 (Signals) and the graph store. */
export interface RunningServices {
  signalsUrl: string;
  reachgraphUrl: string;
  signals: Harness;
  reachgraph: Suite;
  /** A Signals token (bare, without `Bearer `) for a principal. */
  signalsToken(principal: string, opts?: { tenant?: string; scope?: string }): Promise<string>;
  /** A ReachGraph token (bare) for tenant-a with every scope unless told otherwise. */
  reachgraphToken(opts?: { tenant?: string; scopes?: string[] }): Promise<string>;
  /** The public key the ReachGraph service signs graphs with (PEM). */
  reachgraphSigningKeyPem: string;
  stop(): Promise<void>;
}

async function listen(app: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * Starts Signals and ReachGraph (graph signing on, reading build/replay inputs from this Signals as
 * `reachgraph-service` for tenant-a) in this process; `stop()` in `afterAll`.
 */
export async function startServices(name: string): Promise<RunningServices> {
  const signals = await startHarness();
  const reachgraph = await createSuite(name);
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const s = await listen(signals.app);
  // ReachGraph reads build and replay inputs from this Signals as `reachgraph-service`.
  const signalsToken = await signals.token('reachgraph-service');
  const { app: rgApp } = await reachgraph.start((cfg) => {
    cfg.signing.signGraphs = true;
    cfg.signing.keyPem = String(key.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    cfg.signing.keyId = 'reachgraph-test';
    cfg.signals = {
      url: s.url,
      token: signalsToken,
      tenant: 'tenant-a',
      trustedKeys: [{ keyId: 'signals-test-2025', publicKeyPem: signals.signingPublicKeyPem }],
      timeoutMs: 10_000,
    };
  });
  const r = await listen(rgApp);
  return {
    signalsUrl: s.url,
    reachgraphUrl: r.url,
    signals,
    reachgraph,
    signalsToken: (principal, opts) => signals.token(principal, opts),
    reachgraphToken: async (opts = {}) => (await reachgraphToken(opts)).replace(/^Bearer /, ''),
    reachgraphSigningKeyPem: String(key.publicKey.export({ type: 'spki', format: 'pem' })),
    async stop() {
      await Promise.allSettled([close(s.server), close(r.server)]);
      await Promise.allSettled([signals.stop(), reachgraph.close()]);
    },
  };
}
