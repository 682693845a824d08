import type { PanelModel } from '@grafana/data';
import { migrateOptions } from './migrations';
import { DEFAULT_OPTIONS, OPTIONS_VERSION } from './types';

const panel = (options: object) =>
  ({ id: 1, options, fieldConfig: { defaults: {}, overrides: [] } }) as unknown as PanelModel;

describe('migrateOptions', () => {
  it.each([
    ['no options at all', {}, DEFAULT_OPTIONS],
    [
      'pre-release names (bandAlpha 0–1, scoreThreshold, showScoreTrack)',
      { bandAlpha: 0.35, scoreThreshold: 120, showScoreTrack: false, anomalyColor: 'purple' },
      { ...DEFAULT_OPTIONS, bandOpacity: 35, threshold: 100, showScore: false, anomalyColor: 'purple' },
    ],
    [
      'current options',
      { ...DEFAULT_OPTIONS, bandOpacity: 5, showLegend: false },
      { ...DEFAULT_OPTIONS, bandOpacity: 5, showLegend: false },
    ],
  ])('migrates %s', (_name, saved, expected) => {
    expect(migrateOptions(panel(saved))).toEqual(expected);
  });

  it('stamps the current version and is idempotent', () => {
    const once = migrateOptions(panel({ bandAlpha: 0.1 }));
    expect(once.optionsVersion).toBe(OPTIONS_VERSION);
    expect(migrateOptions(panel(once))).toEqual(once);
  });
});
