/** A parsed, normalised purl: every component decoded, absent parts `null`. */
export interface Purl {
  /** The lowercase package type, such as `npm` or `maven`. */
  readonly type: string;
  /** Segments joined by `/`, each decoded; `null` when absent. */
  readonly namespace: string | null;
  /** Decoded, never empty; case-folded and normalised as the type's definition says. */
  readonly name: string;
  /** Decoded; `null` when absent. */
  readonly version: string | null;
  /** Keys sorted, values decoded; `null` when there are none. */
  readonly qualifiers: Readonly<Record<string, string>> | null;
  /** Segments joined by `/`, each decoded, no leading or trailing slash; `null` when absent. */
  readonly subpath: string | null;
}

/**
 * The components to build a purl from (decoded values, as in {@link Purl}). Missing, `null` and
 * empty optional parts are absent; a qualifier with an empty value is dropped.
 */
export interface PurlComponents {
  readonly type: string;
  readonly namespace?: string | null;
  readonly name: string;
  readonly version?: string | null;
  readonly qualifiers?: Readonly<Record<string, string | null | undefined>> | null;
  readonly subpath?: string | null;
}

/** Options for `parsePurl`. */
export interface ParsePurlOptions {
  /**
   * Accept two common non-canonical spellings the specification forbids: upper-case qualifier
   * keys (folded to lower case), and an unencoded `@` in a namespace when there is no version
   * (`pkg:npm/@babel/core`): an `@` before the last `/` never starts the version. Default
   * `false`: strict, as ECMA-427 and the suite's required cases ask.
   */
  readonly lenient?: boolean;
}
