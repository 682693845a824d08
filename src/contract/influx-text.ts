/**
 * Text InfluxDB cannot take. InfluxQL's reader turns a carriage return into a newline and reads
 * NUL as end of input, and a lone UTF-16 surrogate would be sent as U+FFFD; database and
 * retention policy names with control characters are refused by InfluxDB (and echoed back in
 * error headers no HTTP client accepts).
 */

/** In a `u` regex a surrogate pair is one code point, so this matches only unpaired halves. */
export const LONE_SURROGATE = /\p{Cs}/u;
const CONTROL_CHARACTER = /\p{Cc}/u;

/** What in `text` InfluxQL cannot express, e.g. "a NUL character", or null. */
export function inexpressibleIn(text: string): string | null {
  if (text.includes('\r')) return 'a carriage return';
  if (text.includes('\0')) return 'a NUL character';
  if (LONE_SURROGATE.test(text)) return 'invalid Unicode (a lone surrogate)';
  return null;
}

/** What in a database or retention policy name InfluxDB refuses, or null. */
export function invalidInDatabaseName(text: string): string | null {
  return inexpressibleIn(text) ?? (CONTROL_CHARACTER.test(text) ? 'a control character' : null);
}
