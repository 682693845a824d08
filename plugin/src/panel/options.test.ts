import type { PanelOptionsEditorBuilder } from '@grafana/data';
import { buildOptions } from './options';
import { type BandsOptions, DEFAULT_OPTIONS } from './types';

interface Item {
  kind: string;
  path: string;
  defaultValue?: unknown;
  settings?: Record<string, unknown>;
  showIf?: (options: BandsOptions, data: unknown) => boolean;
}

/** Records what the options builder is asked for (Grafana's editor registry only exists inside Grafana). */
function recordingBuilder(items: Item[]): PanelOptionsEditorBuilder<BandsOptions> {
  const builder: Record<string, unknown> = new Proxy(
    {},
    {
      get: (_target, kind: string) => (config: Omit<Item, 'kind'>) => {
        items.push({ kind, ...config });
        return builder;
      },
    },
  );
  return builder as unknown as PanelOptionsEditorBuilder<BandsOptions>;
}

describe('panel options', () => {
  const items: Item[] = [];
  buildOptions(recordingBuilder(items));
  const byPath = (path: string) => items.find((item) => item.path === path);

  it('offers band opacity, score, threshold and colours', () => {
    expect(items.map((item) => item.path)).toEqual(
      expect.arrayContaining([
        'bandOpacity',
        'bandColor',
        'showScore',
        'threshold',
        'anomalyColor',
        'scoreColor',
        'showLegend',
      ]),
    );
  });

  it('defaults every option to DEFAULT_OPTIONS', () => {
    for (const item of items) {
      const expected = DEFAULT_OPTIONS[item.path as keyof BandsOptions];
      if (expected !== undefined) expect([item.path, item.defaultValue]).toEqual([item.path, expected]);
    }
  });

  it('hides the score settings when the score track is off', () => {
    const off = { ...DEFAULT_OPTIONS, showScore: false };
    expect(byPath('threshold')?.showIf?.(off, undefined)).toBe(false);
    expect(byPath('threshold')?.showIf?.(DEFAULT_OPTIONS, undefined)).toBe(true);
  });

  it('bounds band opacity to 0–100', () => {
    expect(byPath('bandOpacity')).toMatchObject({ kind: 'addSliderInput', settings: { min: 0, max: 100 } });
  });
});
