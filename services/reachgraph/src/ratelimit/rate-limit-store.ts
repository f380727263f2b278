import type { Store } from 'express-rate-limit';

/**
 * Counts requests per key and window; shared through Valkey/Redis across replicas, or in process
 * (the embedded default). The express-rate-limit store contract, so both plug into one middleware.
 */
export type RateLimitStore = Store;
