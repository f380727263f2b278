import type { Migration } from 'kysely/migration';
import { init, type MigrationOptions } from './20261123T000000000Z-init.js';
import { inputDocuments } from './20261202T000000000Z-input-documents.js';
import { inputEvidence } from './20261206T000000000Z-input-evidence.js';
import { cveCoreColumn } from './20261206T120000000Z-cve-core.js';
import { lookupIndexes } from './20261206T130000000Z-lookup-indexes.js';

export type { MigrationOptions } from './20261123T000000000Z-init.js';

/** Every migration, registered explicitly and in order (never discovered from the filesystem). */
export function migrations(opts: MigrationOptions): Record<string, Migration> {
  return {
    '20261123T000000000Z-init': init(opts),
    '20261202T000000000Z-input-documents': inputDocuments(opts),
    '20261206T000000000Z-input-evidence': inputEvidence(opts),
    '20261206T120000000Z-cve-core': cveCoreColumn(),
    '20261206T130000000Z-lookup-indexes': lookupIndexes(),
  };
}
