/** Whether a component must, may or must not be present for a purl type. */
export type PurlRequirement = 'required' | 'optional' | 'prohibited';

/** The machine-readable rules of one purl component in a type definition. */
export interface PurlComponentRules {
  /** Absent means `optional`. */
  readonly requirement?: PurlRequirement;
  /** `false` means the canonical form is lowercase; absent means case sensitive. */
  readonly caseSensitive?: boolean;
  /** An ECMA-262 regular expression the decoded (and case-folded) value must match. */
  readonly permittedCharacters?: string;
}

/** The rules of one registered purl type, taken from its purl-spec type definition. */
export interface PurlTypeRules {
  readonly namespace?: PurlComponentRules;
  readonly name?: PurlComponentRules;
  readonly version?: PurlComponentRules;
  readonly subpath?: PurlComponentRules;
  /** Qualifier keys every purl of this type must carry. */
  readonly requiredQualifiers?: readonly string[];
}
