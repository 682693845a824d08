import type { ScoredSeries, ScoreResponse } from '@tidemark/core';

const STEP = 5 * 60_000;
export const START = Date.UTC(2026, 2, 2, 0, 0);
const POINTS = 288; // one day

/** Deterministic noise so screenshots are stable. */
function noise(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31 - 0.5;
  };
}

/**
 * A day of CPU-like data with a daily shape, the band a robust detector would give, a spike
 * (one-point region) and a sustained level shift (multi-point region), as the scorer returns it.
 */
export function scoredDay(host: string, seed: number, offset: number, anomalies = true): ScoredSeries {
  const random = noise(seed);
  const time = Array.from({ length: POINTS }, (_, i) => START + i * STEP);
  const expected = time.map((_, i) => offset + 20 + 12 * Math.sin(((i - 72) / POINTS) * 2 * Math.PI));
  const spike = 200;
  const shift = [110, 124] as const;
  const value = expected.map((e, i) => {
    if (i === 60) return null; // a gap: no data in that interval
    if (anomalies && i === spike) return e + 24;
    if (anomalies && i >= shift[0] && i <= shift[1]) return e - 14 + random() * 2;
    return e + random() * 5;
  });
  const sigma = value.map((v, i) => (v === null ? null : (v - expected[i]!) / 2.2));
  const score = sigma.map((s) =>
    s === null ? null : Math.min(100, Math.max(0, 20 * Math.log10(1 + Math.abs(s) ** 3) * 1.6)),
  );
  const anomaly = score.map((s) => s !== null && s >= 70);
  const regionOf = (from: number, to: number, text: string) => ({
    start: time[from]!,
    end: time[to]!,
    peakTime: time[from]!,
    peakScore: Math.max(...score.slice(from, to + 1).map((s) => s ?? 0)),
    detector: 'robust' as const,
    explanation: text,
  });
  return {
    name: 'cpu usage_user',
    tags: { host },
    detector: 'robust',
    threshold: 70,
    time,
    value,
    expected,
    lower: expected.map((e) => e - 6.5),
    upper: expected.map((e) => e + 6.5),
    score,
    anomaly,
    regions: anomalies
      ? [
          regionOf(
            shift[0],
            shift[1],
            `value ${value[shift[0]]!.toFixed(1)} below expected band for 75 min (6.4σ), robust`,
          ),
          regionOf(
            spike,
            spike,
            `value ${value[spike]!.toFixed(1)} above expected ${(expected[spike]! - 6.5).toFixed(1)}–${(expected[spike]! + 6.5).toFixed(1)} (10.9σ), robust`,
          ),
        ]
      : [],
    notices: [],
  };
}

export function fixtureResponse(seriesCount: number): ScoreResponse {
  const hosts = ['web-1', 'web-2', 'web-3'];
  return {
    contractVersion: 1,
    series: hosts.slice(0, seriesCount).map((host, i) => scoredDay(host, 7 + i, i * 25, i === 0)),
    notices: [],
  };
}
