import type { RuntimeObservation } from '@stella-ops/core';
import type { ObservationTable } from './graph.js';
import type { Interner } from './interner.js';

/** Collects runtime observations into an {@link ObservationTable}. */
export class ObservationBuilder {
  private readonly hits: number[] = [];
  private readonly offsets: number[] = [0];
  private readonly batches: number[] = [];

  constructor(private readonly strings: Interner) {}

  /** Adds `obs` (batches already sorted and unique) and returns its index. */
  add(obs: RuntimeObservation): number {
    this.hits.push(obs.hitCount);
    for (const b of obs.batches) this.batches.push(this.strings.intern(b));
    this.offsets.push(this.batches.length);
    return this.hits.length - 1;
  }

  build(): ObservationTable {
    return {
      hitCount: Float64Array.from(this.hits),
      batchOffsets: Uint32Array.from(this.offsets),
      batches: Uint32Array.from(this.batches),
    };
  }
}
