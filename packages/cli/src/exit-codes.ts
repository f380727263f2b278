/** The exit codes of `stella` (documented in the README). */
export const EXIT = {
  /** Success. */
  OK: 0,
  /** Any failure not listed below (server errors, network, bad input data). */
  ERROR: 1,
  /** The command line is wrong (unknown command or option, missing or malformed argument). */
  USAGE: 2,
  /** A signature, digest or replay did not verify. */
  VERIFICATION_FAILED: 3,
  /** The thing asked for does not exist (HTTP 404/410). */
  NOT_FOUND: 4,
} as const;

/** One of the {@link EXIT} codes. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
