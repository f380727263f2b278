import type { CallgraphRecord, RuntimeFact } from '@stella-ops/core';
import { problems } from '@stella-ops/service-kit';

/** A call graph named by reference (Signals graph id and/or digest). */
export interface CallgraphRef {
  graphId?: string;
  digest?: string;
}

/** A runtime-fact batch named by reference (batch id and/or provenance hash). */
export interface RuntimeFactsRef {
  batchId?: string;
  provenanceHash?: string;
}

/**
 * Fetches replay inputs given by reference. Implementations verify what they fetch against the
 * digests named (the Signals HTTP implementation comes with the Signals integration).
 */
export interface InputResolver {
  resolveCallgraph(tenant: string, ref: CallgraphRef): Promise<CallgraphRecord[]>;
  resolveRuntimeFacts(tenant: string, ref: RuntimeFactsRef): Promise<RuntimeFact[]>;
}

/** The default: nothing can be fetched, every reference answers 422 `INPUT_UNRESOLVABLE`. */
export class UnconfiguredInputResolver implements InputResolver {
  constructor(private readonly signalsUrl?: string) {}

  private unresolvable(what: string): never {
    throw problems.unprocessable(
      'INPUT_UNRESOLVABLE',
      this.signalsUrl
        ? `${what} given by reference cannot be fetched: the Signals client is not available in this build`
        : `${what} given by reference cannot be fetched: no Signals URL is configured (REACHGRAPH_SIGNALS_URL); send the inputs inline`,
    );
  }

  async resolveCallgraph(_tenant: string, ref: CallgraphRef): Promise<CallgraphRecord[]> {
    return this.unresolvable(`call graph ${ref.graphId ?? ref.digest ?? ''}`.trim());
  }

  async resolveRuntimeFacts(_tenant: string, ref: RuntimeFactsRef): Promise<RuntimeFact[]> {
    return this.unresolvable(`runtime-fact batch ${ref.batchId ?? ref.provenanceHash ?? ''}`.trim());
  }
}
