// `\u0000` preceded by an even number of backslashes: a JSON escape of NUL, not an escaped backslash.
const ESCAPED_NUL = /(?<!\\)((?:\\\\)*)\\u0000/g;

/**
 * JSON text for a `jsonb` column. PostgreSQL refuses NUL in `jsonb` strings (and answers with an
 * error the caller would see as a 500), so a NUL is stored as the six characters `\u0000`; every
 * other value round-trips exactly. Only for records read by people (logs, query echoes), never for
 * anything that is hashed or verified.
 */
export function jsonbText(value: unknown): string {
  return JSON.stringify(value).replace(ESCAPED_NUL, '$1\\\\u0000');
}
