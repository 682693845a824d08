import { encodeModel } from './model-codec';
import { scoreSeries, trainModel } from './score';
import { STEP_MS, seasonalPoints, shifted, T0 } from './test-support';

/** 8 days of 5-minute data (288 a day); the same one-hour bump on day 3 and again on day 7. */
const DAY = 288;
const FIRST = 3 * DAY + 100;
const AGAIN = 7 * DAY + 100;
const base = seasonalPoints({ length: 8 * DAY, period: DAY, noise: 1, seed: 4 });
const points = shifted(shifted(base, FIRST, FIRST + 12, 9), AGAIN, AGAIN + 12, 9);
const history = points.slice(0, 7 * DAY);
const range = points.slice(7 * DAY);
const firstBump: [number, number] = [T0 + FIRST * STEP_MS, T0 + (FIRST + 12) * STEP_MS];

async function peakOfRecurrence(detector: 'robust' | 'ensemble', normal?: Array<[number, number]>) {
  const model = await trainModel(history, { detector: { id: detector }, ...(normal ? { normal } : {}) });
  const { series } = await scoreSeries([...history, ...range], {
    detector: { id: detector },
    model,
    scoreFrom: range[0]![0],
  });
  const bump = series.time.map((t, i) =>
    t >= T0 + AGAIN * STEP_MS && t < T0 + (AGAIN + 12) * STEP_MS ? i : -1,
  );
  return {
    model,
    series,
    peak: Math.max(...bump.filter((i) => i >= 0).map((i) => series.score[i] ?? 0)),
  };
}

describe('normal (points a user marked "not an anomaly")', () => {
  test.each([['robust'], ['ensemble']] as const)(
    '%s: no periods, or none inside the training data, leave the model and scores bit-identical',
    async (detector) => {
      const plain = await peakOfRecurrence(detector);
      for (const normal of [[], [[0, 1]] as Array<[number, number]>]) {
        const masked = await peakOfRecurrence(detector, normal);
        expect(encodeModel(masked.model)).toEqual(encodeModel(plain.model));
        expect(masked.series).toEqual(plain.series);
      }
    },
    60_000,
  );

  test.each([['robust'], ['ensemble']] as const)(
    '%s: a bump marked normal in the training data no longer flags when it recurs',
    async (detector) => {
      const plain = await peakOfRecurrence(detector);
      const marked = await peakOfRecurrence(detector, [firstBump]);
      expect(plain.peak).toBeGreaterThanOrEqual(70);
      expect(marked.peak).toBeLessThan(70);
    },
    60_000,
  );
});
