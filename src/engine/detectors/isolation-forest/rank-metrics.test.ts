import { averageRanks, rocAuc, spearman } from './rank-metrics';

describe('rank metrics', () => {
  it.each([
    { values: [3, 1, 2], ranks: [3, 1, 2] },
    { values: [5, 5, 1, 9], ranks: [2.5, 2.5, 1, 4] },
    { values: [], ranks: [] },
  ])('averageRanks($values)', ({ values, ranks }) => {
    expect(Array.from(averageRanks(values))).toEqual(ranks);
  });

  it.each([
    { name: 'perfect', scores: [0.1, 0.2, 0.9, 0.8], labels: [0, 0, 1, 1], auc: 1 },
    { name: 'inverted', scores: [0.9, 0.8, 0.1, 0.2], labels: [0, 0, 1, 1], auc: 0 },
    { name: 'all tied', scores: [1, 1, 1, 1], labels: [0, 1, 0, 1], auc: 0.5 },
    { name: 'one of four pairs wrong', scores: [0.1, 0.5, 0.4, 0.9], labels: [0, 0, 1, 1], auc: 0.75 },
    { name: 'NaN scores left out', scores: [Number.NaN, 0.1, 0.9, Number.NaN], labels: [1, 0, 1, 0], auc: 1 },
  ])('rocAuc: $name', ({ scores, labels, auc }) => {
    expect(rocAuc(scores, labels)).toBeCloseTo(auc, 12);
  });

  it('rocAuc is NaN without both classes', () => {
    expect(rocAuc([0.1, 0.2], [0, 0])).toBeNaN();
    expect(rocAuc([0.1, 0.2], [1, 1])).toBeNaN();
  });

  it.each([
    { name: 'monotone', a: [1, 2, 3, 4], b: [10, 20, 30, 1000], rho: 1 },
    { name: 'reversed', a: [1, 2, 3, 4], b: [4, 3, 2, 1], rho: -1 },
    { name: 'textbook', a: [1, 2, 3, 4, 5], b: [2, 1, 4, 3, 5], rho: 0.8 },
  ])('spearman: $name', ({ a, b, rho }) => {
    expect(spearman(a, b)).toBeCloseTo(rho, 12);
  });
});
