import { inexpressibleIn } from '@tidemark/core';
import { InfluxError } from './errors';

/**
 * InfluxQL quoting. Every identifier and literal that reaches a query goes through here, so no
 * request field can end a token early and become a different query.
 *
 * InfluxQL's scanner reads quoted identifiers and string literals the same way: a backslash
 * escapes `\`, `"`, `'` and `n` (newline); any other escape, and a raw newline, are parse errors.
 * So escaping those four characters maps every string to exactly one token that reads back as it.
 */
/*
 * Three things cannot be said in InfluxQL at all (a carriage return, NUL, a lone surrogate: see
 * influx-text.ts in the contract). Text with them is refused instead of quoted as a different string.
 */
export { LONE_SURROGATE } from '@tidemark/core';

function checkExpressible(text: string, what: string): void {
  const problem = inexpressibleIn(text);
  if (problem) {
    throw new InfluxError(
      'bad-query',
      `${what} ${JSON.stringify(text)} contains ${problem}, which InfluxQL cannot express`,
    );
  }
}

function escapeQuoted(text: string, quote: '"' | "'"): string {
  checkExpressible(text, quote === '"' ? 'name' : 'value');
  let out = '';
  for (const ch of text) {
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else out += ch;
  }
  return out;
}

/** `"name"`: a database, retention policy, measurement, field or tag key. */
export function quoteIdentifier(name: string): string {
  return `"${escapeQuoted(name, '"')}"`;
}

/** `'text'`: a string literal, e.g. a tag value in a WHERE clause. */
export function quoteString(text: string): string {
  return `'${escapeQuoted(text, "'")}'`;
}

/**
 * `/pattern/`: a regex literal for `=~` / `!~`. InfluxQL's scanner reads `\/` as `/`, ends the
 * literal at any other `/` and refuses a raw newline; everything else, backslashes included,
 * reaches Go's regexp package as is. So every `/` (bare or written `\/`) becomes `\x2F` and every
 * newline `\n`, which RE2 reads the same (inside `\Q…\E` they are written outside the quote), and
 * a pattern ending in a backslash gets an empty group: no backslash ever precedes a `/`, so the
 * literal ends exactly where it was meant to, whatever the pattern.
 */
export function regexLiteral(pattern: string): string {
  checkExpressible(pattern, 'regex');
  const chars = [...pattern];
  const outside = (ch: string) => (ch === '/' ? '\\x2F' : ch === '\n' ? '\\n' : null);
  let out = '';
  let quoted = false;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const next = chars[i + 1];
    if (quoted) {
      if (ch === '\\' && next === 'E') {
        out += '\\E';
        quoted = false;
        i++;
      } else if (ch === '\\') out += '\\E\\\\\\Q';
      else out += outside(ch) === null ? ch : `\\E${outside(ch)}\\Q`;
    } else if (ch === '\\') {
      if (next === undefined) {
        throw new InfluxError('bad-query', `regex ${JSON.stringify(pattern)} ends with a lone backslash`);
      }
      out += outside(next) ?? `\\${next}`;
      quoted = next === 'Q';
      i++;
    } else out += outside(ch) ?? ch;
  }
  return `/${out.endsWith('\\') ? `${out}(?:)` : out}/`;
}

/** `"db"."rp"."m"`, or `"db".."m"` for the database's default retention policy. */
export function qualifiedMeasurement(
  database: string,
  retentionPolicy: string | undefined,
  measurement: string,
) {
  const rp = retentionPolicy ? quoteIdentifier(retentionPolicy) : '';
  return `${quoteIdentifier(database)}.${rp}.${quoteIdentifier(measurement)}`;
}

/** An integer epoch-millisecond literal such as `1700000000000ms`. */
export function epochMsLiteral(ms: number): string {
  if (!Number.isSafeInteger(ms)) throw new RangeError(`time ${ms} is not an integer number of milliseconds`);
  return `${ms}ms`;
}
