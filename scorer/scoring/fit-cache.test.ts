import type { TrainedModel } from '@tidemark/core/engine';
import { FitCache } from './fit-cache';

const modelTrainedTo = (trainedTo: number) => ({ trainedTo, period: null }) as unknown as TrainedModel;

describe('FitCache', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => {
    clock = 1_000;
  });

  it.each([
    ['a range after the training data', 500, 600, true],
    ['a range starting where the training data ends', 500, 500, false],
    ['a range before the end of the training data (would look ahead)', 500, 400, false],
  ])('reuses a fit for %s', (_case, trainedTo, rangeFrom, reused) => {
    const cache = new FitCache(60_000, 10, now);
    cache.put('k', modelTrainedTo(trainedTo));
    expect(cache.get('k', rangeFrom) !== undefined).toBe(reused);
  });

  it('forgets a fit older than its time to live', () => {
    const cache = new FitCache(60_000, 10, now);
    cache.put('k', modelTrainedTo(0));
    clock += 60_000;
    expect(cache.get('k', 1)?.fittedAt).toBe(1_000);
    clock += 1;
    expect(cache.get('k', 1)).toBeUndefined();
    clock = 1_000;
    expect(cache.get('k', 1)).toBeUndefined();
  });

  it('drops the least recently used fit past its capacity', () => {
    const cache = new FitCache(60_000, 2, now);
    cache.put('a', modelTrainedTo(0));
    cache.put('b', modelTrainedTo(0));
    cache.get('a', 1);
    cache.put('c', modelTrainedTo(0));
    expect(cache.get('a', 1)).toBeDefined();
    expect(cache.get('b', 1)).toBeUndefined();
    expect(cache.get('c', 1)).toBeDefined();
  });

  it('lists the usable fits of one query by key prefix', () => {
    const cache = new FitCache(60_000, 10, now);
    cache.put('q1|a', modelTrainedTo(0));
    cache.put('q1|b', modelTrainedTo(900));
    cache.put('q2|a', modelTrainedTo(0));
    expect(cache.withPrefix('q1|', 500).map((fit) => fit.model.trainedTo)).toEqual([0]);
  });
});
