import { regionsOf } from './annotations';

const MINUTE = 60_000;
const row = (minute: number, value: number, score: number) => ({
  time: minute * MINUTE,
  score,
  anomaly: true,
  value,
  expected: 50,
  lower: 40,
  upper: 60,
});

describe('regionsOf', () => {
  it.each([
    ['above the band', 75, /^value 75 above expected 40–60, ensemble$/],
    ['below the band', 20, /^value 20 below expected 40–60, ensemble$/],
    ['inside the band (e.g. a frozen value)', 55, /^value 55 within 40–60 but its recent pattern is unusual/],
  ])('explains a peak %s', (_case, value, explanation) => {
    const [region] = regionsOf([row(0, value, 80)], MINUTE, 'ensemble');
    expect(region!.explanation).toMatch(explanation);
  });

  it('joins points at most one interval apart and describes the highest-scoring one', () => {
    const regions = regionsOf([row(0, 70, 72), row(1, 90, 95), row(3, 65, 71)], MINUTE, 'robust');
    expect(regions.map((r) => [r.start, r.end, r.peakTime, r.peakScore])).toEqual([
      [0, MINUTE, MINUTE, 95],
      [3 * MINUTE, 3 * MINUTE, 3 * MINUTE, 71],
    ]);
    expect(regions[0]!.explanation).toMatch(/^value 90 above/);
  });
});
