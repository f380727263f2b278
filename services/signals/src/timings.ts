/**
 * Stage durations of one request, answered as a `Server-Timing` header (parse, validate, hash,
 * store, index, ...) so operators and the benchmark see where the time goes.
 */
export class Timings {
  private readonly stages: [string, number][] = [];

  async time<T>(stage: string, run: () => Promise<T> | T): Promise<T> {
    const start = performance.now();
    try {
      return await run();
    } finally {
      this.add(stage, performance.now() - start);
    }
  }

  timeSync<T>(stage: string, run: () => T): T {
    const start = performance.now();
    try {
      return run();
    } finally {
      this.add(stage, performance.now() - start);
    }
  }

  add(stage: string, ms: number): void {
    const existing = this.stages.find(([name]) => name === stage);
    if (existing) existing[1] += ms;
    else this.stages.push([stage, ms]);
  }

  header(): string {
    return this.stages.map(([name, ms]) => `${name};dur=${ms.toFixed(1)}`).join(', ');
  }
}
