import {
  healthz,
  httpLogger,
  httpMetrics,
  metricsEndpoint,
  notFoundHandler,
  postgresReadiness,
  problemHandler,
  type ReadinessCheck,
  readyz,
  requireAuth,
} from '@stella-ops/service-kit';
import express, { type Express, Router } from 'express';
import helmet from 'helmet';
import { mountGetCallgraph } from './api/get-callgraph.js';
import { mountGetCallgraphByDigest } from './api/get-callgraph-by-digest.js';
import { mountGetCallgraphManifest } from './api/get-callgraph-manifest.js';
import { mountGetKeys } from './api/get-keys.js';
import { mountGetRuntimeFactBatch } from './api/get-runtime-fact-batch.js';
import { mountGetRuntimeFactProvenance } from './api/get-runtime-fact-provenance.js';
import { mountListCallgraphsByPurl } from './api/list-callgraphs-by-purl.js';
import { stampArrival } from './api/middleware.js';
import { mountPostCallgraph } from './api/post-callgraph.js';
import { mountPostRuntimeFacts } from './api/post-runtime-facts.js';
import { mountPostVerify } from './api/post-verify.js';
import { mountStreamRuntimeFacts } from './api/stream-runtime-facts.js';
import type { AppContext } from './context.js';
import { signalsErrorMapper } from './error-mapper.js';
import { subsystemLogger } from './logger.js';

function readinessChecks(ctx: AppContext): ReadinessCheck[] {
  return [
    postgresReadiness(ctx.pool),
    {
      name: 'blobstore',
      async check() {
        // A HEAD of a key that need not exist: any answer (found or not) proves the store is up.
        await ctx.blobs.head('manifests/.readyz');
      },
    },
  ];
}

/** The Signals HTTP application (a library: the caller listens and owns the lifecycle). */
export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(stampArrival);
  app.use(helmet());
  app.use(httpLogger(subsystemLogger(ctx.logger, 'http')));
  app.use(httpMetrics(ctx.registry));

  app.get('/healthz', healthz);
  app.get('/readyz', readyz(readinessChecks(ctx)));
  app.get('/metrics', metricsEndpoint(ctx.registry));

  const publicRoutes = Router();
  mountGetKeys(publicRoutes, ctx);
  app.use('/signals', publicRoutes);

  const api = Router();
  api.use(requireAuth(ctx.authenticator));
  // Fixed paths before parameterised ones.
  mountPostCallgraph(api, ctx);
  mountListCallgraphsByPurl(api, ctx);
  mountGetCallgraphByDigest(api, ctx);
  mountGetCallgraphManifest(api, ctx);
  mountGetCallgraph(api, ctx);
  mountPostRuntimeFacts(api, ctx);
  mountStreamRuntimeFacts(api, ctx);
  mountGetRuntimeFactProvenance(api, ctx);
  mountGetRuntimeFactBatch(api, ctx);
  mountPostVerify(api, ctx);
  app.use('/signals', api);

  app.use(notFoundHandler);
  app.use(problemHandler(ctx.logger, [signalsErrorMapper]));
  return app;
}
