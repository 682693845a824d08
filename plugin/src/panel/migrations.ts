import type { PanelModel } from '@grafana/data';
import { type BandsOptions, DEFAULT_OPTIONS, OPTIONS_VERSION } from './types';

/**
 * Options saved before `optionsVersion` existed (the pre-release panel) used `bandAlpha` (0–1),
 * `scoreThreshold` and `showScoreTrack`; they are renamed here, everything else gets its default.
 */
interface LegacyOptions {
  bandAlpha?: number;
  scoreThreshold?: number;
  showScoreTrack?: boolean;
}

export function migrateOptions(panel: PanelModel<Partial<BandsOptions> & LegacyOptions>): BandsOptions {
  const saved = panel.options ?? {};
  if (saved.optionsVersion === OPTIONS_VERSION) return { ...DEFAULT_OPTIONS, ...saved } as BandsOptions;
  const { bandAlpha, scoreThreshold, showScoreTrack, ...rest } = saved;
  return {
    ...DEFAULT_OPTIONS,
    ...rest,
    ...(bandAlpha !== undefined ? { bandOpacity: clamp(Math.round(bandAlpha * 100), 0, 100) } : {}),
    ...(scoreThreshold !== undefined ? { threshold: clamp(scoreThreshold, 1, 100) } : {}),
    ...(showScoreTrack !== undefined ? { showScore: showScoreTrack } : {}),
    optionsVersion: OPTIONS_VERSION,
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
