import { CoreError, type ReplayRequest, validate } from '@stella-ops/core';
import { allow, parseJsonBody, readBody } from '@stella-ops/service-kit';
import type { RequestHandler, Router } from 'express';
import type { AppContext } from '../context.js';
import { type Prebuilt, prebuild, replay } from '../replay/replay-driver.js';
import { callerOf, requireJsonBody } from './params.js';

/**
 * `POST /v1/reachgraphs/replay`: rebuild from inputs and compare with the expected digest. A large
 * request is validated on the worker thread while this thread already rebuilds from its inline
 * inputs; the rebuilt graph is used only once validation passed.
 */
export function replayGraph(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const { tenant, actor } = callerOf(req);
    requireJsonBody(req, 'a replay-request@v1 document');
    const body = await readBody(req, { maxBytes: ctx.cfg.limits.maxReplayBytes });
    const remote = ctx.indexer.validate('replay-request@v1', body);
    const parsed = parseJsonBody(body);
    let request: ReplayRequest;
    let prebuilt: Prebuilt | undefined;
    if (remote) {
      prebuilt = prebuild(parsed);
      const issues = await remote;
      if (issues.length > 0) {
        throw new CoreError({
          code: 'SCHEMA_INVALID',
          message: 'replay-request@v1: the request is invalid',
          issues,
        });
      }
      request = parsed as ReplayRequest;
    } else {
      request = validate('replay-request@v1', parsed) as ReplayRequest;
    }
    res.json(await replay(ctx, tenant, actor, request, prebuilt));
  };
}

export function mountReplay(router: Router, ctx: AppContext): void {
  router.post('/replay', allow({ scope: 'reachgraph:read' }), replayGraph(ctx));
}
