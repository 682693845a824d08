/** Rank statistics used by the tests and the benchmark to compare anomaly scores. */

/** 1-based ranks with ties given their average rank. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: values.length }, (_, k) => k).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(values.length);
  for (let lo = 0; lo < order.length; ) {
    let hi = lo + 1;
    while (hi < order.length && values[order[hi]!] === values[order[lo]!]) hi++;
    for (let k = lo; k < hi; k++) ranks[order[k]!] = (lo + hi + 1) / 2;
    lo = hi;
  }
  return ranks;
}

/**
 * Area under the ROC curve: the probability that a random anomalous point scores above a random
 * normal one (ties count half). Points whose score is NaN are left out.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const kept: number[] = [];
  const positive: boolean[] = [];
  for (let k = 0; k < scores.length; k++) {
    if (Number.isNaN(scores[k]!)) continue;
    kept.push(scores[k]!);
    positive.push(labels[k]! > 0);
  }
  const ranks = averageRanks(kept);
  let positives = 0;
  let rankSum = 0;
  positive.forEach((isPositive, k) => {
    if (isPositive) {
      positives++;
      rankSum += ranks[k]!;
    }
  });
  const negatives = kept.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Spearman rank correlation (Pearson correlation of average ranks). */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`lengths differ: ${a.length} and ${b.length}`);
  const ra = averageRanks(a);
  const rb = averageRanks(b);
  const mean = (ra.length + 1) / 2;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let k = 0; k < ra.length; k++) {
    ab += (ra[k]! - mean) * (rb[k]! - mean);
    aa += (ra[k]! - mean) ** 2;
    bb += (rb[k]! - mean) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}
