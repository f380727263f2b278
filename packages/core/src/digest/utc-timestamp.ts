const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * Normalises an RFC 3339 timestamp to UTC ISO-8601 with `Z`: `YYYY-MM-DDTHH:MM:SS[.fraction]Z`.
 *
 * The offset is applied; the fraction of a second is kept exactly as given (no rounding to
 * milliseconds, no invented digits) but trailing zeros are dropped, so `…:00.500+01:00`, `…:00.5Z`
 * name one instant with one spelling, and `.000` disappears. A string that is not a valid RFC 3339
 * time (a bad date, a leap second, a year outside 0000–9999 after the offset) is returned unchanged:
 * normalisation never guesses, and schema validation rejects it.
 */
export function normalizeUtcTimestamp(s: string): string {
  const m = RFC3339.exec(s);
  if (!m) return s;
  const [, y, mo, d, h, mi, sec, fraction, sign, oh, om] = m;
  const fields = [y, mo, d, h, mi, sec].map(Number) as [number, number, number, number, number, number];
  const [year, month, day, hour, minute, second] = fields;
  const offsetMinutes = sign ? (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) : 0;
  if (hour > 23 || minute > 59 || second > 59 || Number(oh ?? 0) > 23 || Number(om ?? 0) > 59) return s;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return s;
  date.setUTCHours(hour, minute - offsetMinutes, second, 0);
  const utcYear = date.getUTCFullYear();
  if (utcYear < 0 || utcYear > 9999) return s;
  const digits = fraction?.replace(/0+$/, '') ?? '';
  return `${date.toISOString().slice(0, 19)}${digits === '' ? '' : `.${digits}`}Z`;
}
