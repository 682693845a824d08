import { MAX_DURATION_MS } from './time-bounds';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** Parses `90s`, `30m`, `6h`, `7d`, `2w` (and `250ms`) into milliseconds: 1 ms to 365 days. */
export function parseDuration(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d|w)$/.exec(text.trim());
  if (!match) throw new Error(`invalid duration "${text}": expected a number and a unit (ms, s, m, h, d, w)`);
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (ms === 0) throw new Error(`invalid duration "${text}": it must be longer than zero`);
  if (ms > MAX_DURATION_MS) throw new Error(`invalid duration "${text}": it must be at most 365d`);
  return ms;
}

/** Formats milliseconds with the largest unit that divides it exactly. */
export function formatDuration(ms: number): string {
  const units = Object.entries(UNIT_MS).reverse() as Array<[string, number]>;
  for (const [unit, size] of units) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
