import { scoreSeries } from '../../score';
import { STEP_MS, seededRandom, T0 } from '../../test-support';
import { RobustDetector } from './robust-detector';

/** An error count: 0 nearly always, small bursts now and then with long quiet spells between. */
function errorCount(length: number, seed: number): number[] {
  const random = seededRandom(seed);
  const values: number[] = [];
  while (values.length < length) {
    const quiet = random() < 0.2 ? 1200 + Math.floor(random() * 600) : Math.floor(random() * 150);
    for (let k = 0; k < quiet; k++) values.push(0);
    const burst = 1 + Math.floor(random() * 3);
    for (let k = 0; k < burst; k++) values.push(Math.ceil(random() * 40) / 8);
  }
  return values.slice(0, length);
}

function flaggedRuns(flags: boolean[], from: number, to: number): number[] {
  const starts: number[] = [];
  for (let i = from; i < to; i++) if (flags[i] && !flags[i - 1]) starts.push(i);
  return starts;
}

describe('the robust detector on a zero-inflated series', () => {
  const values = errorCount(12_000, 4);
  const outages = [9000, 10_500];
  for (const at of outages) for (let k = 0; k < 4; k++) values[at + k] = 400 + 50 * k;
  const points = values.map((v, i): [number, number] => [T0 + i * STEP_MS, v]);

  it('does not page on the small bursts it has seen all along, even after a long quiet spell', async () => {
    const { series } = await scoreSeries(points, { detector: { id: 'robust' }, causal: true });
    const flags = series.anomaly as boolean[];
    const falseAlarms = flaggedRuns(flags, 4000, values.length).filter(
      (i) => !outages.some((at) => i >= at && i < at + 4),
    );
    expect(falseAlarms.length).toBeLessThanOrEqual(2);
    for (const at of outages) expect(flags.slice(at, at + 4).some(Boolean)).toBe(true);
  });

  it('keeps the scale the series moves by through a quiet spell longer than its spread window', async () => {
    const quiet = errorCount(6000, 8);
    const at = quiet.length + 1500;
    const series = [...quiet, ...Array(1500).fill(0), 2.5, 0, 0];
    const detector = new RobustDetector();
    await detector.fit(view(series), 0, { period: null, seed: 1 });
    const raw = detector.score(view(series), 0, series.length).raw;
    const earlier = quiet.map((v, i) => (v > 0 && i > 2000 ? raw[i]! : Number.NaN)).filter((r) => r > 0);
    const typical = earlier.sort((a, b) => a - b)[earlier.length >> 1]!;
    expect(raw[at]!).toBeLessThan(10 * typical);
  });
});

function view(values: number[]) {
  return { values: Float64Array.from(values), times: new Float64Array(values.length), intervalMs: STEP_MS };
}
