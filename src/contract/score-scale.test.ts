import { MAX_SCORE, scoreFromTailProbability, tailProbabilityFromScore } from './score-scale';

describe('score scale', () => {
  it.each([
    // The written meaning of the scale: 20 points per decade of tail probability.
    [1, 0],
    [0.1, 20],
    [0.01, 40],
    [1e-3, 60],
    [1e-4, 80],
    [1e-5, 100],
  ])('tail probability %p ↔ score %p', (p, score) => {
    expect(scoreFromTailProbability(p)).toBeCloseTo(score, 9);
    expect(tailProbabilityFromScore(score)).toBeCloseTo(p, 12);
  });

  it.each([
    ['rarer than the scale resolves', 1e-9, MAX_SCORE],
    ['zero probability', 0, MAX_SCORE],
    ['negative probability', -0.5, MAX_SCORE],
    ['probability above 1', 1.5, 0],
    ['certainty', 1, 0],
  ])('clamps %s to the 0–100 range', (_name, p, score) => {
    expect(scoreFromTailProbability(p)).toBe(score);
  });

  it('score → probability → score is the identity on 0..100', () => {
    for (let score = 0; score <= MAX_SCORE; score += 0.25) {
      expect(scoreFromTailProbability(tailProbabilityFromScore(score))).toBeCloseTo(score, 9);
    }
  });

  it('probability → score → probability is the identity on [1e-5, 1]', () => {
    for (let e = 0; e <= 5; e += 0.05) {
      const p = 10 ** -e;
      const back = tailProbabilityFromScore(scoreFromTailProbability(p));
      expect(Math.abs(back - p) / p).toBeLessThan(1e-12);
    }
  });

  it('is strictly decreasing in the probability inside the scale and never leaves [0, 100]', () => {
    const grid = [-1, 0, 1e-12, 1e-7, 1e-5, 2e-5, 1e-4, 0.003, 0.05, 0.5, 0.99, 1, 2];
    const scores = grid.map(scoreFromTailProbability);
    for (const score of scores) {
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(MAX_SCORE);
    }
    for (let k = 1; k < grid.length; k++) {
      expect(scores[k]!).toBeLessThanOrEqual(scores[k - 1]!);
      if (grid[k - 1]! >= 1e-5 && grid[k]! <= 1) expect(scores[k]!).toBeLessThan(scores[k - 1]!);
    }
  });

  it('maps higher scores to rarer behaviour', () => {
    for (let score = 1; score <= MAX_SCORE; score++) {
      expect(tailProbabilityFromScore(score)).toBeLessThan(tailProbabilityFromScore(score - 1));
    }
  });
});
