import { seededRandom } from '../../random';

/** A noisy seasonal series with anomalies injected after `cleanUntil`, and a 0/1 label per point. */
export interface LabelledSeries {
  values: Float64Array;
  labels: Uint8Array;
  period: number;
}

export interface SyntheticOptions {
  length: number;
  period: number;
  /** Amplitude of the seasonal sine, in noise σ. */
  amplitude: number;
  /** Points before this index carry no anomalies (a clean training stretch). */
  cleanUntil: number;
  /** Points between the starts of consecutive injected anomalies. */
  every: number;
  seed: number;
  /** Which anomalies to inject, used in turn. */
  kinds: readonly AnomalyKind[];
}

export const DEFAULT_SYNTHETIC_OPTIONS: SyntheticOptions = {
  length: 3000,
  period: 48,
  amplitude: 5,
  cleanUntil: 2000,
  every: 60,
  seed: 1,
  kinds: ['spike', 'shift', 'burst'],
};

/** Anomalies: a ±6σ spike, a +5σ level shift for 8 points, 4σ extra noise for 8 points. */
export type AnomalyKind = 'spike' | 'shift' | 'burst';

export function labelledSeries(options: Partial<SyntheticOptions> = {}): LabelledSeries {
  const { length, period, amplitude, cleanUntil, every, seed, kinds } = {
    ...DEFAULT_SYNTHETIC_OPTIONS,
    ...options,
  };
  const random = seededRandom(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const values = new Float64Array(length);
  const labels = new Uint8Array(length);
  for (let i = 0; i < length; i++)
    values[i] = 50 + amplitude * Math.sin((2 * Math.PI * i) / period) + gaussian();
  let kind = 0;
  for (let start = cleanUntil + Math.floor(every / 2); start + 8 < length; start += every, kind++) {
    switch (kinds[kind % kinds.length]) {
      case 'spike':
        values[start] = values[start]! + (Math.floor(kind / kinds.length) % 2 === 0 ? 6 : -6);
        labels[start] = 1;
        break;
      case 'shift':
        for (let i = start; i < start + 8; i++) {
          values[i] = values[i]! + 5;
          labels[i] = 1;
        }
        break;
      default:
        for (let i = start; i < start + 8; i++) {
          values[i] = values[i]! + 4 * gaussian();
          labels[i] = 1;
        }
    }
  }
  return { values, labels, period };
}
