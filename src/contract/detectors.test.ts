import {
  DEFAULT_DETECTOR,
  DEFAULT_SENSITIVITY,
  DETECTOR_IDS,
  type DetectorParams,
  detectorParamsSchema,
  detectorSpecSchema,
  SENSITIVITY_THRESHOLDS,
  thresholdOf,
} from './detectors';

describe('detectorParamsSchema', () => {
  it.each<[string, unknown]>([
    ['no params', {}],
    ['lowest threshold', { threshold: 1 }],
    ['highest threshold', { threshold: 100 }],
    ['fractional threshold', { threshold: 55.5 }],
    ['each sensitivity', { sensitivity: 'low' }],
    ['high sensitivity', { sensitivity: 'high' }],
    ['durations', { trainingWindow: '7d', season: '1d' }],
    ['everything', { sensitivity: 'medium', threshold: 80, trainingWindow: '2w', season: '24h' }],
  ])('accepts %s', (_name, params) => {
    expect(detectorParamsSchema.safeParse(params).success).toBe(true);
  });

  it.each<[string, unknown]>([
    ['threshold 0', { threshold: 0 }],
    ['threshold below 1', { threshold: 0.99 }],
    ['threshold above 100', { threshold: 100.01 }],
    ['negative threshold', { threshold: -1 }],
    ['NaN threshold', { threshold: Number.NaN }],
    ['threshold as text', { threshold: '70' }],
    ['unknown sensitivity', { sensitivity: 'extreme' }],
    ['duration in words', { trainingWindow: '7 days' }],
    ['fractional duration', { season: '1.5d' }],
    ['negative duration', { season: '-1d' }],
    ['unknown key', { thresold: 70 }],
    ['not an object', 70],
  ])('rejects %s', (_name, params) => {
    expect(detectorParamsSchema.safeParse(params).success).toBe(false);
  });
});

describe('detectorSpecSchema', () => {
  it('defaults to the ensemble with no params', () => {
    expect(detectorSpecSchema.parse({})).toEqual({ id: DEFAULT_DETECTOR, params: {} });
    expect(DEFAULT_DETECTOR).toBe('ensemble');
  });

  it.each(DETECTOR_IDS)('accepts the detector id %s', (id) => {
    expect(detectorSpecSchema.parse({ id }).id).toBe(id);
  });

  it.each<[string, unknown]>([
    ['unknown id', { id: 'prophet' }],
    ['unknown key', { id: 'robust', seed: 3 }],
    ['bad params', { id: 'robust', params: { threshold: 500 } }],
    ['unknown param', { params: { window: 5 } }],
  ])('rejects %s', (_name, spec) => {
    expect(detectorSpecSchema.safeParse(spec).success).toBe(false);
  });
});

describe('thresholdOf', () => {
  it.each<[string, DetectorParams, number]>([
    ['the default sensitivity', {}, SENSITIVITY_THRESHOLDS[DEFAULT_SENSITIVITY]],
    ['low sensitivity', { sensitivity: 'low' }, SENSITIVITY_THRESHOLDS.low],
    ['medium sensitivity', { sensitivity: 'medium' }, SENSITIVITY_THRESHOLDS.medium],
    ['high sensitivity', { sensitivity: 'high' }, SENSITIVITY_THRESHOLDS.high],
    ['an explicit threshold', { threshold: 42 }, 42],
    ['an explicit threshold over a preset', { threshold: 42, sensitivity: 'high' }, 42],
  ])('uses %s', (_name, params, expected) => {
    expect(thresholdOf(params)).toBe(expected);
  });

  it('flags more as sensitivity rises, with every preset inside the valid threshold range', () => {
    expect(SENSITIVITY_THRESHOLDS.low).toBeGreaterThan(SENSITIVITY_THRESHOLDS.medium);
    expect(SENSITIVITY_THRESHOLDS.medium).toBeGreaterThan(SENSITIVITY_THRESHOLDS.high);
    for (const threshold of Object.values(SENSITIVITY_THRESHOLDS)) {
      expect(detectorParamsSchema.safeParse({ threshold }).success).toBe(true);
    }
  });
});
