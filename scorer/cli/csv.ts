import type { Point } from '@tidemark/core/engine';

/** A CSV problem, with the 1-based line number it was found on. */
export class CsvError extends Error {
  override readonly name = 'CsvError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

export interface SeriesCsv {
  /** The timestamp text of each row, as written in the file. */
  timestamps: string[];
  /** The value text of each row, as written in the file ('' for a gap). */
  valueTexts: string[];
  points: Point[];
}

const NAB_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/;

/**
 * Parses a `timestamp,value` CSV (NAB's format; other columns are ignored). Timestamps may be
 * `YYYY-MM-DD HH:MM[:SS[.ffffff]]` (read as UTC), ISO 8601 with a zone, or epoch seconds/milliseconds.
 * An empty value is a gap.
 */
export function parseSeriesCsv(text: string): SeriesCsv {
  const lines = text.split(/\r?\n/);
  const header = splitRow(lines[0] ?? '').map((h) => h.trim().toLowerCase());
  const timeColumn = header.indexOf('timestamp');
  const valueColumn = header.indexOf('value');
  if (timeColumn < 0 || valueColumn < 0) {
    const missing = [timeColumn < 0 ? '"timestamp"' : '', valueColumn < 0 ? '"value"' : ''].filter(Boolean);
    throw new CsvError(
      1,
      `the header must name the columns timestamp and value; missing ${missing.join(' and ')}`,
    );
  }
  const timestamps: string[] = [];
  const valueTexts: string[] = [];
  const points: Point[] = [];
  for (let k = 1; k < lines.length; k++) {
    const line = lines[k]!;
    if (line.trim() === '') continue;
    const cells = splitRow(line);
    if (cells.length <= Math.max(timeColumn, valueColumn)) {
      throw new CsvError(k + 1, `expected ${header.length} columns, found ${cells.length}`);
    }
    const stamp = cells[timeColumn]!.trim();
    const time = parseTimestamp(stamp);
    if (time === null) {
      throw new CsvError(
        k + 1,
        `bad timestamp "${stamp}": use YYYY-MM-DD HH:MM:SS, ISO 8601 or epoch seconds`,
      );
    }
    const valueText = cells[valueColumn]!.trim();
    const value = valueText === '' ? null : Number(valueText);
    if (value !== null && !Number.isFinite(value)) {
      throw new CsvError(k + 1, `value "${valueText}" is not a finite number (leave it empty for a gap)`);
    }
    timestamps.push(stamp);
    valueTexts.push(valueText);
    points.push([time, value]);
  }
  if (points.length === 0) throw new CsvError(2, 'the file has a header but no rows');
  return { timestamps, valueTexts, points };
}

export function parseTimestamp(text: string): number | null {
  const nab = NAB_TIMESTAMP.exec(text);
  if (nab) {
    const [, y, mo, d, h, mi, s, frac] = nab;
    const ms = frac ? Number(frac.padEnd(3, '0').slice(0, 3)) : 0;
    return utcIfValid(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s ?? 0), ms);
  }
  if (/^\d{9,13}(\.\d+)?$/.test(text)) {
    const n = Number(text);
    return n < 1e11 ? Math.round(n * 1000) : Math.round(n);
  }
  const iso = ISO_TIMESTAMP.exec(text);
  if (iso) {
    const [, y, mo, d, h, mi, s] = iso;
    if (utcIfValid(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s ?? 0), 0) === null)
      return null;
    const time = Date.parse(text);
    return Number.isNaN(time) ? null : time;
  }
  return null;
}

const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/** Epoch ms of a UTC calendar time, or null when a field is out of range (no rolling over). */
function utcIfValid(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
): number | null {
  if (h > 23 || mi > 59 || s > 59 || mo < 1 || mo > 12 || d < 1) return null;
  const time = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const check = new Date(time);
  return check.getUTCDate() === d && check.getUTCMonth() === mo - 1 ? time : null;
}

/** Splits one CSV row, honouring double-quoted cells. */
function splitRow(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}
