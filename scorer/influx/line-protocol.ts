import { LineProtocolError } from './errors';
import { LONE_SURROGATE } from './escape';

/** One point to write. Fields that are `null`, NaN or infinite are left out (InfluxDB cannot store them). */
export interface LinePoint {
  measurement: string;
  tags?: Record<string, string>;
  fields: Record<string, number | boolean | string | null>;
  /** Epoch milliseconds (written with `precision=ms`). */
  time: number;
}

/*
 * InfluxDB 1.x reads a separator as escaped whenever a backslash precedes it, and its unescaping
 * differs between measurements, tags and field keys (`\"` loses its backslash in a measurement,
 * `\,` breaks a field key). A backslash right before `,`, `=`, space or `"`, or at the end, thus
 * has no faithful encoding, and a newline ends the line: such text is refused with a clear error
 * rather than written as something else. (The hostile-string tests against influxd pin this.)
 */
function checkRepresentable(text: string, what: string): void {
  if (text.length === 0) throw new LineProtocolError(`${what} must not be empty`);
  if (/[\n\r]/.test(text))
    throw new LineProtocolError(`${what} ${JSON.stringify(text)} contains a line break`);
  // Writable, but no InfluxQL query could select it again (see escape.ts).
  if (text.includes('\0'))
    throw new LineProtocolError(`${what} ${JSON.stringify(text)} contains a NUL character`);
  checkUnicode(text, what);
  if (/\\([,= "]|$)/.test(text)) {
    throw new LineProtocolError(
      `${what} ${JSON.stringify(text)} has a backslash before a separator or at its end, which line protocol cannot carry`,
    );
  }
}

function checkUnicode(text: string, what: string): void {
  if (LONE_SURROGATE.test(text)) {
    throw new LineProtocolError(
      `${what} ${JSON.stringify(text)} contains invalid Unicode (a lone surrogate)`,
    );
  }
}

export function escapeMeasurement(name: string): string {
  checkRepresentable(name, 'measurement');
  return name.replace(/[, ]/g, (ch) => `\\${ch}`);
}

/** Tag keys, tag values and field keys. */
export function escapeKey(text: string, what = 'tag key or value'): string {
  checkRepresentable(text, what);
  return text.replace(/[,= ]/g, (ch) => `\\${ch}`);
}

/** A string field value, quoted. Newlines are allowed inside the quotes. */
export function quoteStringField(text: string): string {
  checkUnicode(text, 'string field');
  return `"${text.replace(/["\\]/g, (ch) => `\\${ch}`)}"`;
}

function formatFieldValue(value: number | boolean | string): string | null {
  if (typeof value === 'string') return quoteStringField(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  // Always a float literal, so a series' field type never flips between integer and float.
  return Number.isFinite(value) ? String(value) : null;
}

/** One line of line protocol, or null when the point has no writable field. */
export function formatLine(point: LinePoint): string | null {
  if (!Number.isSafeInteger(point.time)) {
    throw new LineProtocolError(`time ${point.time} is not an integer number of milliseconds`);
  }
  const fields: string[] = [];
  for (const [key, value] of Object.entries(point.fields)) {
    if (value === null) continue;
    const text = formatFieldValue(value);
    if (text !== null) fields.push(`${escapeKey(key, 'field key')}=${text}`);
  }
  if (fields.length === 0) return null;
  let line = escapeMeasurement(point.measurement);
  const tags = Object.entries(point.tags ?? {})
    .filter(([, value]) => value !== '') // InfluxDB drops empty tag values; so do we, explicitly
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)); // sorted keys are what InfluxDB indexes fastest
  for (const [key, value] of tags) line += `,${escapeKey(key, 'tag key')}=${escapeKey(value, 'tag value')}`;
  return `${line} ${fields.join(',')} ${point.time}`;
}
