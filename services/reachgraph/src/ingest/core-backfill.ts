import type { Logger } from 'pino';
import type { ReachGraphMetrics } from '../metrics.js';
import type { GraphStore } from '../store/graph-store.js';
import type { GraphIndexer } from './graph-indexer.js';

/** How long a graph whose backfill failed is left alone. */
const RETRY_AFTER_MS = 10 * 60 * 1000;
/** Failures remembered at most (then forgotten all at once: a retry too early is harmless). */
const MAX_REMEMBERED_FAILURES = 10_000;

/**
 * Gives large graphs stored before CVE cores existed their core, one graph at a time as they are
 * used: a cold CVE slice that had to read a whole large graph asks for it, and the graph's next cold
 * CVE slices read the core. The core is made on the index worker from the stored binary form (the
 * same bytes its upsert would have stored) and written under the tenant's RLS, only into a row that
 * still has none. Failures are logged and counted, never surfaced (the slice was answered anyway),
 * and the graph is left alone for a while before another try.
 */
export class CoreBackfill {
  private readonly running = new Map<string, Promise<void>>();
  /** When a graph's backfill last failed: it is not tried again before RETRY_AFTER_MS. */
  private readonly failedAt = new Map<string, number>();

  /**
   * `maxRunning`: backfills under way at most; more requests meanwhile are dropped (a later cold
   * slice asks again). Each holds its graph's stored binary and waits for the one index worker.
   */
  constructor(
    private readonly store: GraphStore,
    private readonly indexer: GraphIndexer,
    private readonly metrics: ReachGraphMetrics,
    private readonly logger: Logger,
    private readonly maxRunning = 2,
  ) {}

  /**
   * Starts making the core of `tenant`'s graph `digest`, unless that is under way already, too many
   * are, or it failed a short while ago.
   */
  request(tenant: string, digest: string): void {
    const key = `${tenant}\u0000${digest}`;
    if (this.running.has(key) || this.running.size >= this.maxRunning) return;
    const failed = this.failedAt.get(key);
    // A graph whose core cannot be stored (a read-only replica, a broken blob) must not cost the
    // worker a core per cold slice.
    if (failed !== undefined && Date.now() - failed < RETRY_AFTER_MS) return;
    const run = this.fill(tenant, digest, key).finally(() => this.running.delete(key));
    this.running.set(key, run);
  }

  /** Resolves once every backfill started so far has ended (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all(this.running.values());
  }

  private async fill(tenant: string, digest: string, key: string): Promise<void> {
    try {
      const compressed = await this.store.binaryZst(tenant, digest);
      const core = compressed && (await this.indexer.core(compressed));
      const stored = core !== undefined && (await this.store.storeCore(tenant, digest, core));
      this.metrics.coreBackfills.inc({ result: stored ? 'stored' : 'skipped' });
      this.failedAt.delete(key);
    } catch (err) {
      this.metrics.coreBackfills.inc({ result: 'error' });
      this.logger.warn({ err, digest }, 'could not store the CVE core of a graph stored without one');
      if (this.failedAt.size >= MAX_REMEMBERED_FAILURES) this.failedAt.clear();
      this.failedAt.set(key, Date.now());
    }
  }
}
