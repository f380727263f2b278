import { type AccessRule, allow, HttpProblem, principalOf } from '@stella-ops/service-kit';
import type { RequestHandler } from 'express';
import type { TenantRegistry } from './tenant-registry.js';

/**
 * Who may call what (contract §3.2 applied to the API, DESIGN §5a). Anything not listed is 403.
 * - `scanner-worker` writes call graphs, nothing else;
 * - `runtime-agent` writes runtime facts (extension: agents must post facts somehow);
 * - `policy-engine`, `audit-service` read everything; `reachgraph-service` reads (build, replay).
 */
export const ACCESS = {
  writeCallgraphs: { scope: 'signals:write', principals: ['scanner-worker'] },
  writeRuntimeFacts: { scope: 'signals:write', principals: ['runtime-agent'] },
  read: { scope: 'signals:read', principals: ['policy-engine', 'audit-service', 'reachgraph-service'] },
} as const satisfies Record<string, AccessRule>;

/** The principal whose reads pin a call graph against orphan GC (it builds reachgraphs from it). */
export const REACHGRAPH_PRINCIPAL = 'reachgraph-service';

/**
 * The caller's tenant must be in the registry (contract §10.4): otherwise 403 `TENANT_UNKNOWN`
 * (403, not 404: the token is valid, the tenant it names may not use the service).
 */
export function requireKnownTenant(tenants: TenantRegistry): RequestHandler {
  return (req, _res, next) => {
    const { tenant } = principalOf(req);
    tenants.exists(tenant).then(
      (ok) =>
        next(
          ok
            ? undefined
            : new HttpProblem({
                status: 403,
                code: 'TENANT_UNKNOWN',
                title: 'Forbidden',
                detail: 'the token names a tenant that is not registered',
              }),
        ),
      next,
    );
  };
}

/** Role check then tenant check, for one route. */
export function guard(rule: AccessRule, tenants: TenantRegistry): RequestHandler[] {
  return [allow(rule), requireKnownTenant(tenants)];
}
