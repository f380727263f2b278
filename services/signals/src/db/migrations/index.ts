import type { Migration } from 'kysely/migration';
import { init } from './20261201T000000000Z-init.js';

/** Every migration, registered explicitly and in order (never discovered from the filesystem). */
export const migrations: Record<string, Migration> = {
  '20261201T000000000Z-init': init,
};
