import type { PanelOptionsEditorBuilder } from '@grafana/data';
import { type BandsOptions, DEFAULT_OPTIONS } from './types';

/** Panel options, grouped as Grafana's own panels group theirs. */
export function buildOptions(
  builder: PanelOptionsEditorBuilder<BandsOptions>,
): PanelOptionsEditorBuilder<BandsOptions> {
  const band = ['Band'];
  const anomalies = ['Anomalies'];
  return builder
    .addSliderInput({
      path: 'bandOpacity',
      name: 'Band opacity',
      description: 'Fill opacity of the expected band (0–100)',
      category: band,
      defaultValue: DEFAULT_OPTIONS.bandOpacity,
      settings: { min: 0, max: 100, step: 5 },
    })
    .addColorPicker({
      path: 'bandColor',
      name: 'Band colour',
      description: 'Leave empty to use each series’ colour',
      category: band,
      defaultValue: DEFAULT_OPTIONS.bandColor,
    })
    .addBooleanSwitch({
      path: 'showExpected',
      name: 'Show expected line',
      category: band,
      defaultValue: DEFAULT_OPTIONS.showExpected,
    })
    .addColorPicker({
      path: 'anomalyColor',
      name: 'Anomaly colour',
      category: anomalies,
      defaultValue: DEFAULT_OPTIONS.anomalyColor,
    })
    .addBooleanSwitch({
      path: 'showRegions',
      name: 'Shade anomaly regions',
      category: anomalies,
      defaultValue: DEFAULT_OPTIONS.showRegions,
    })
    .addBooleanSwitch({
      path: 'showScore',
      name: 'Show score track',
      category: anomalies,
      defaultValue: DEFAULT_OPTIONS.showScore,
    })
    .addSliderInput({
      path: 'scoreHeight',
      name: 'Score track height (%)',
      category: anomalies,
      defaultValue: DEFAULT_OPTIONS.scoreHeight,
      settings: { min: 10, max: 50, step: 5 },
      showIf: (options) => options.showScore,
    })
    .addNumberInput({
      path: 'threshold',
      name: 'Threshold',
      description: 'Score (1–100) at which points count as anomalies; empty uses the data source’s threshold',
      category: anomalies,
      settings: { min: 1, max: 100, placeholder: 'from data source' },
      showIf: (options) => options.showScore,
    })
    .addColorPicker({
      path: 'scoreColor',
      name: 'Score colour',
      category: anomalies,
      defaultValue: DEFAULT_OPTIONS.scoreColor,
      showIf: (options) => options.showScore,
    })
    .addTextInput({
      path: 'markDetector',
      name: 'Continuous detector for marks',
      description:
        'Id of the continuous detector scoring these series: Editors can then mark a region “not an anomaly” or a point “missed” from its pinned tooltip',
      category: anomalies,
      defaultValue: DEFAULT_OPTIONS.markDetector,
      settings: { placeholder: 'e.g. cpu-usage' },
    })
    .addBooleanSwitch({
      path: 'showLegend',
      name: 'Show legend',
      category: ['Legend'],
      defaultValue: DEFAULT_OPTIONS.showLegend,
    });
}
