export type { SchemaName, SchemaRef, SchemaType, SchemaTypes } from './schema-ids.js';
export { SCHEMA_IDS } from './schema-ids.js';
export type * from './types.js';
export { allSchemaDocuments, getSchemaDocument, isValid, schemaIssues, validate } from './validate.js';
