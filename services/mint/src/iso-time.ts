/** ISO 8601 timestamps for audit events without a Date per event. */

// From 1970 to 9999 `toISOString` has the fixed `YYYY-MM-DDTHH:MM:SS.mmmZ` shape; other
// times take the plain path.
const MAX_FIXED = 253402300800000; // 10000-01-01T00:00:00.000Z

/**
 * A formatter equal to `new Date(ms).toISOString()` for every integer `ms`, caching the
 * text up to the second: events of one second differ only in their milliseconds.
 * @example const iso = isoTimeFormatter(); iso(0) // '1970-01-01T00:00:00.000Z'
 */
export function isoTimeFormatter(): (ms: number) => string {
  let second = Number.NaN;
  let prefix = '';
  return (ms) => {
    if (!Number.isInteger(ms) || ms < 0 || ms >= MAX_FIXED) {
      return new Date(ms).toISOString();
    }
    const millis = ms % 1000;
    const s = ms - millis;
    if (s !== second) {
      second = s;
      prefix = new Date(s).toISOString().slice(0, 20); // 'YYYY-MM-DDTHH:MM:SS.'
    }
    return `${prefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
  };
}
