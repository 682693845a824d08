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

describe('the robust detector on a season learnt once or twice', () => {
  const period = 48;
  const phase = 40;
  /** Three days of a daily wave with noise; `spikes[d]` adds a spike at `phase` on day d. */
  function days(spikes: boolean[]): number[] {
    const random = seededRandom(11);
    return Array.from({ length: 3 * period }, (_, i) => {
      const wave = 50 + 10 * Math.sin((2 * Math.PI * i) / period) + (random() - 0.5);
      return wave + (spikes[Math.floor(i / period)] && i % period === phase ? 100 : 0);
    });
  }
  async function scored(values: number[]) {
    const detector = new RobustDetector();
    await detector.fit(view(values), 0, { period, seed: 1 });
    return detector.score(view(values), 0, values.length);
  }

  it('does not expect back a spike seen only one season ago, nor score the quiet point after it', async () => {
    const values = days([false, true, false]);
    const at = 2 * period + phase;
    const out = await scored(values);
    expect(Math.abs(out.expected[at]! - values[at]!)).toBeLessThan(5);
    expect(out.raw[at]!).toBeLessThan(4);
  });

  it('does not expect back a spike when the only past season held it', async () => {
    const values = days([true, false, false]);
    const at = period + phase;
    const out = await scored(values);
    expect(Math.abs(out.expected[at]! - values[at]!)).toBeLessThan(5);
    expect(out.raw[at]!).toBeLessThan(4);
  });

  it('still learns a spike that came back in both past seasons, and still flags a new one', async () => {
    const values = days([true, true, true]);
    values[2 * period + 10]! += 100;
    const out = await scored(values);
    expect(out.raw[2 * period + phase]!).toBeLessThan(4);
    expect(out.raw[2 * period + 10]!).toBeGreaterThan(20);
  });
});
