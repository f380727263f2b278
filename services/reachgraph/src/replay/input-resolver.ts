import { HttpProblem, problems } from '@stella-ops/service-kit';
import type {
  BatchRef,
  CallgraphRef,
  SignalsInputs,
  VerifiedBatch,
  VerifiedCallgraph,
} from '../build/signals-inputs.js';

export type { BatchRef, CallgraphRef, VerifiedBatch, VerifiedCallgraph } from '../build/signals-inputs.js';
/** A runtime-fact batch named by reference (batch id and/or provenance hash). */
export type RuntimeFactsRef = BatchRef;

/**
 * Fetches build and replay inputs given by reference, verified against the digests that name them
 * (and against Signals' signatures) before they are returned.
 */
export interface InputResolver {
  callgraph(tenant: string, ref: CallgraphRef): Promise<VerifiedCallgraph>;
  runtimeFacts(tenant: string, ref: RuntimeFactsRef): Promise<VerifiedBatch>;
}

/** Without Signals configured, every reference answers 422 `INPUT_UNRESOLVABLE`. */
export class UnconfiguredInputResolver implements InputResolver {
  constructor(private readonly signalsUrl?: string) {}

  private unresolvable(what: string): never {
    throw problems.unprocessable(
      'INPUT_UNRESOLVABLE',
      this.signalsUrl
        ? `${what} given by reference cannot be fetched: the Signals client is not configured`
        : `${what} given by reference cannot be fetched: no Signals URL is configured (REACHGRAPH_SIGNALS_URL); send the inputs inline`,
    );
  }

  async callgraph(_tenant: string, ref: CallgraphRef): Promise<VerifiedCallgraph> {
    return this.unresolvable(`call graph ${ref.graphId ?? ref.digest ?? ''}`.trim());
  }

  async runtimeFacts(_tenant: string, ref: RuntimeFactsRef): Promise<VerifiedBatch> {
    return this.unresolvable(`runtime-fact batch ${ref.batchId ?? ref.provenanceHash ?? ''}`.trim());
  }
}

/**
 * Reads inputs from Signals with ReachGraph's service token. The token belongs to one Signals
 * tenant: callers of another tenant get 403 `SIGNALS_TENANT_MISMATCH` rather than that tenant's data.
 */
export class SignalsInputResolver implements InputResolver {
  constructor(
    private readonly signals: SignalsInputs,
    private readonly tokenTenant: string | undefined,
  ) {}

  private check(tenant: string): void {
    if (this.tokenTenant !== undefined && tenant !== this.tokenTenant) {
      throw new HttpProblem({
        status: 403,
        code: 'SIGNALS_TENANT_MISMATCH',
        title: 'Forbidden',
        detail: `ReachGraph reads Signals for tenant ${this.tokenTenant} only; this request is for ${tenant}`,
      });
    }
  }

  async callgraph(tenant: string, ref: CallgraphRef): Promise<VerifiedCallgraph> {
    this.check(tenant);
    return this.signals.callgraph(ref);
  }

  async runtimeFacts(tenant: string, ref: RuntimeFactsRef): Promise<VerifiedBatch> {
    this.check(tenant);
    return this.signals.batch(ref);
  }
}
