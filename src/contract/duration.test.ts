import { seededRandom } from '../engine/test-support';
import { durationSchema } from './detectors';
import { formatDuration, parseDuration } from './duration';
import { MAX_DURATION_MS } from './time-bounds';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['90s', 90 * SECOND],
    ['30m', 30 * MINUTE],
    ['6h', 6 * HOUR],
    ['7d', 7 * DAY],
    ['2w', 14 * DAY],
    [' 7d ', 7 * DAY],
  ])('%j → %p ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '7', 'h', '1.5h', '-1h', '7 d', '7D', '1y', 'ms', '1h30m', 'P1D', '0s', '0ms'])(
    'rejects %j',
    (text) => {
      expect(() => parseDuration(text)).toThrow(/invalid duration/);
    },
  );
});

describe('duration bounds', () => {
  it.each(['365d', '52w', '8760h', '525600m'])('accepts %j (at most 365 days)', (text) => {
    expect(parseDuration(text)).toBeLessThanOrEqual(MAX_DURATION_MS);
    expect(durationSchema.safeParse(text).success).toBe(true);
  });

  it.each(['366d', '53w', '8761h', '99999999999999999999d', `${'9'.repeat(400)}ms`])(
    'refuses %j with the bound in the message',
    (text) => {
      expect(() => parseDuration(text)).toThrow('it must be at most 365d');
      const result = durationSchema.safeParse(text);
      expect(result.error?.issues.map((issue) => issue.message)).toEqual([
        `invalid duration "${text}": it must be at most 365d`,
      ]);
    },
  );
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [250, '250ms'],
    [1_500, '1500ms'],
    [90 * SECOND, '90s'],
    [HOUR, '1h'],
    [90 * MINUTE, '90m'],
    [DAY, '1d'],
    [7 * DAY, '1w'],
    [10 * DAY, '10d'],
  ])('%p ms → %j (largest exact unit)', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips random whole milliseconds', () => {
    const random = seededRandom(11);
    const units = [1, SECOND, MINUTE, HOUR, DAY, 7 * DAY];
    for (let k = 0; k < 500; k++) {
      const unit = units[Math.floor(random() * units.length)]!;
      const ms = Math.min(1 + Math.floor(random() * 1000), Math.floor(MAX_DURATION_MS / unit)) * unit;
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }
  });

  it.each(['60m', '3600s', '24h', '14d', '7d', '1000ms', '90s'])(
    '%j formats canonically and parses back',
    (text) => {
      const ms = parseDuration(text);
      const canonical = formatDuration(ms);
      expect(parseDuration(canonical)).toBe(ms);
      expect(canonical.length).toBeLessThanOrEqual(text.length);
    },
  );
});

describe('durationSchema', () => {
  it.each(['250ms', '90s', '30m', '6h', '7d', '2w', '0s', '', '7', '1.5h', '-1h', '7 d', ' 7d', '7D', '1y'])(
    '%j: accepted exactly when parseDuration accepts it untrimmed',
    (text) => {
      let parses = true;
      try {
        parseDuration(text);
      } catch {
        parses = false;
      }
      expect(durationSchema.safeParse(text).success).toBe(parses && text === text.trim());
    },
  );
});
