/**
 * Tag filters with `=~` / `!~` hold a regular expression as InfluxDB reads it: Go's RE2 syntax,
 * written without the surrounding slashes (the scorer writes the `/…/` literal and escapes it).
 */

/** RE2 spellings JavaScript does not read, turned into ones it does, for the syntax check only. */
function asJavaScript(source: string): string {
  return source
    .replace(/\(\?P</g, '(?<') // named group
    .replace(/\(\?[imsU-]+:/g, '(?:') // flags on a group
    .replace(/\(\?[imsU-]+\)/g, ''); // flags from here on
}

/**
 * Why `source` is not a regular expression, e.g. "Unterminated group", or null. A check of the
 * shape only (brackets, parentheses, quantifiers, a trailing backslash): InfluxDB's own error
 * still reports what RE2 alone refuses, such as look-arounds.
 */
export function regexProblem(source: string): string | null {
  try {
    new RegExp(asJavaScript(source));
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
  }
}

/** `text` as an RE2 pattern matching exactly that text (the characters Go's `regexp.QuoteMeta` escapes). */
export function escapeRegex(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
