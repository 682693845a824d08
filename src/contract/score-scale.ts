/**
 * The one 0–100 score scale shared by every detector (see docs/scoring.md).
 *
 * A score s means: under what the detector has learned is normal for this series, behaviour at
 * least this unusual has tail probability p = 10^(-s/20). So 20 is "1 in 10", 40 "1 in 100",
 * 60 "1 in 1,000", 80 "1 in 10,000" and 100 "1 in 100,000 or rarer".
 */
export const SCORE_DECIBELS = 20;
export const MAX_SCORE = 100;

export function scoreFromTailProbability(p: number): number {
  if (Number.isNaN(p)) return Number.NaN;
  if (p <= 0) return MAX_SCORE;
  if (p >= 1) return 0;
  return Math.min(MAX_SCORE, -SCORE_DECIBELS * Math.log10(p));
}

export function tailProbabilityFromScore(score: number): number {
  return 10 ** (-score / SCORE_DECIBELS);
}
