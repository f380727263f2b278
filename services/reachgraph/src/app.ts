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
import express, { type Express, type RequestHandler, Router } from 'express';
import helmet from 'helmet';
import { mountBuildGraph } from './api/build-graph.js';
import { mountDeleteGraph } from './api/delete-graph.js';
import { docsPage } from './api/docs-page.js';
import { mountGetBundle } from './api/get-bundle.js';
import { mountGetDiff } from './api/get-diff.js';
import { mountGetDsse } from './api/get-dsse.js';
import { mountGetGraph } from './api/get-graph.js';
import { mountGetSlice } from './api/get-slice.js';
import { mountListByArtifact } from './api/list-by-artifact.js';
import { mountListGraphs } from './api/list-graphs.js';
import { buildOpenApi } from './api/openapi.js';
import { mountReplay } from './api/replay.js';
import { consoleUi } from './api/ui.js';
import { mountUpsertGraph } from './api/upsert-graph.js';
import type { AppContext } from './context.js';
import { graphErrorMapper } from './error.js';
import { subsystemLogger } from './logger.js';
import { limitRequests } from './ratelimit/middleware.js';

export const SERVICE_VERSION = '0.1.0';

/** Reads (GET/HEAD) and writes (everything else) count against separate limits. */
function rateLimits(ctx: AppContext): RequestHandler {
  const onLimited = (name: string) => ctx.metrics.rateLimited.inc({ limit: name });
  const reads = limitRequests({
    name: 'reads',
    limit: ctx.cfg.limits.readsPerMinute,
    store: ctx.rateLimits.reads,
    onLimited,
  });
  const writes = limitRequests({
    name: 'writes',
    limit: ctx.cfg.limits.writesPerMinute,
    store: ctx.rateLimits.writes,
    onLimited,
  });
  return (req, res, next) => (req.method === 'GET' || req.method === 'HEAD' ? reads : writes)(req, res, next);
}

function readinessChecks(ctx: AppContext): ReadinessCheck[] {
  const checks = [postgresReadiness(ctx.pool)];
  const redis = ctx.redis;
  if (redis) {
    checks.push({
      name: 'redis',
      async check() {
        await redis.ping();
      },
    });
  }
  return checks;
}

/** The ReachGraph HTTP application (a library: the caller listens and owns the lifecycle). */
export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(helmet());
  app.use(httpLogger(subsystemLogger(ctx.logger, 'http')));
  app.use(httpMetrics(ctx.registry));

  app.get('/healthz', healthz);
  app.get('/readyz', readyz(readinessChecks(ctx)));
  app.get('/metrics', metricsEndpoint(ctx.registry));
  const openapi = buildOpenApi(SERVICE_VERSION);
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.get('/docs', docsPage(openapi));
  app.use('/ui', consoleUi());

  const v1 = Router();
  v1.use(requireAuth(ctx.authenticator));
  v1.use(rateLimits(ctx));
  // Fixed paths before `/:digest`.
  mountReplay(v1, ctx);
  mountBuildGraph(v1, ctx);
  mountListByArtifact(v1, ctx);
  mountListGraphs(v1, ctx);
  mountUpsertGraph(v1, ctx);
  mountGetSlice(v1, ctx);
  mountGetDiff(v1, ctx);
  mountGetDsse(v1, ctx);
  mountGetBundle(v1, ctx);
  mountGetGraph(v1, ctx);
  mountDeleteGraph(v1, ctx);
  app.use('/v1/reachgraphs', v1);

  app.use(notFoundHandler);
  app.use(problemHandler(ctx.logger, [graphErrorMapper]));
  return app;
}
