import { IsolationForest as MlIsolationForest } from 'ml-isolation-forest';
import { seededRandom } from '../../random';
import {
  baselineResiduals,
  completeRows,
  DEFAULT_FEATURE_OPTIONS,
  FEATURE_COUNT,
  featureRows,
  learnScaling,
} from './features';
import { IsolationForest } from './forest';
import { rocAuc, spearman } from './rank-metrics';
import { labelledSeries } from './synthetic';

/**
 * ml-isolation-forest 0.1.0 (the card's choice) is the reference: it grows every tree on the whole
 * training set (no subsampling) and draws from Math.random, which is replaced by a seeded generator
 * while it trains so this test is reproducible.
 */
function mlScores(rows: number[][], seed: number): number[] {
  const random = jest.spyOn(Math, 'random').mockImplementation(seededRandom(seed));
  try {
    const forest = new MlIsolationForest({ nEstimators: 100 });
    forest.train(rows);
    return forest.predict(rows);
  } finally {
    random.mockRestore();
  }
}

describe('typed-array forest against ml-isolation-forest', () => {
  it.each([{ seed: 1 }, { seed: 2 }])('ranks the same feature matrix alike (seed $seed)', ({ seed }) => {
    // Anomalies everywhere (contaminated training, as in practice), 2,000 points of features.
    const { values, labels } = labelledSeries({ length: 2000, cleanUntil: 0, seed });
    const base = baselineResiduals(values, 0, values.length, 48, DEFAULT_FEATURE_OPTIONS);
    const scaling = learnScaling(values, values.length, base);
    const rows = featureRows(values, 0, values.length, base, scaling, DEFAULT_FEATURE_OPTIONS);
    const { data, points } = completeRows(rows, 0);
    const matrix = Array.from({ length: points.length }, (_, r) =>
      Array.from(data.subarray(r * FEATURE_COUNT, (r + 1) * FEATURE_COUNT)),
    );
    const truth = Array.from(points, (p) => labels[p]!);

    const ours = IsolationForest.fit(data, FEATURE_COUNT, { trees: 100, sampleSize: 256, seed }).scoreRows(
      data,
    );
    const theirs = mlScores(matrix, seed);

    expect(spearman(ours, theirs)).toBeGreaterThan(0.85);
    const [ourAuc, theirAuc] = [rocAuc(ours, truth), rocAuc(theirs, truth)];
    expect(ourAuc).toBeGreaterThan(0.85);
    expect(theirAuc).toBeGreaterThan(0.85);
    expect(Math.abs(ourAuc - theirAuc)).toBeLessThan(0.03);
  });
});
