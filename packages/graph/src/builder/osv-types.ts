/**
 * The parts of an OSV record (https://ossf.github.io/osv-schema/) the builder reads; other fields
 * are allowed and ignored (they still count toward the document's digest).
 */
export interface OsvVulnerability {
  id: string;
  aliases?: readonly string[];
  affected?: readonly OsvAffected[];
  [field: string]: unknown;
}

/** One affected package of an OSV record. */
export interface OsvAffected {
  package?: { ecosystem?: string; name?: string; purl?: string; [field: string]: unknown };
  ranges?: readonly OsvRange[];
  /** Affected versions listed one by one. */
  versions?: readonly string[];
  /**
   * Where the affected functions are named: `affected_functions` (a list of symbols), or Go's
   * `imports[].symbols`.
   */
  ecosystem_specific?: {
    affected_functions?: readonly string[];
    imports?: readonly { path?: string; symbols?: readonly string[] }[];
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** A version range: `SEMVER` and `ECOSYSTEM` ranges are evaluated, `GIT` ranges cannot be. */
export interface OsvRange {
  type: string;
  events: readonly {
    introduced?: string;
    fixed?: string;
    last_affected?: string;
    limit?: string;
  }[];
  [field: string]: unknown;
}

/** An OSV document: the records under `vulns`, as osv.dev's query API answers. */
export interface OsvDocument {
  vulns: readonly OsvVulnerability[];
  [field: string]: unknown;
}
