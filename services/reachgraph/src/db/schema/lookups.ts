/** `reachgraph.artifact_index`: graphs by the digest of the artifact they describe. */
export interface ArtifactIndex {
  tenant: string;
  artifact_digest: string;
  digest: string;
}

/** `reachgraph.purl_index`: graphs by the packages (purls) their nodes belong to. */
export interface PurlIndex {
  tenant: string;
  purl: string;
  digest: string;
}

/** `reachgraph.cve_index`: graphs by the vulnerabilities their sinks carry or their scope names. */
export interface CveIndex {
  tenant: string;
  cve: string;
  digest: string;
}
