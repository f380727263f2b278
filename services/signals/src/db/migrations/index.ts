import type { Migration } from 'kysely/migration';
import { init } from './20261201T000000000Z-init.js';
import { idempotencyKeys } from './20261202T000000000Z-idempotency-keys.js';

/** Every migration, registered explicitly and in order (never discovered from the filesystem). */
export const migrations: Record<string, Migration> = {
  '20261201T000000000Z-init': init,
  '20261202T000000000Z-idempotency-keys': idempotencyKeys,
};
