/** Version of the saved panel options; `migrateOptions` brings older ones up to it. */
export const OPTIONS_VERSION = 1;

/** Panel options, saved in dashboards. Colours are Grafana colour names or CSS colours; '' means automatic. */
export interface BandsOptions {
  optionsVersion: number;
  /** Fill opacity of the expected band, 0–100. */
  bandOpacity: number;
  showExpected: boolean;
  showRegions: boolean;
  showScore: boolean;
  /** Height of the score track as a share of the plot, 10–50 %. */
  scoreHeight: number;
  /** Score threshold line; when unset, each series' own threshold from the data source. */
  threshold?: number;
  showLegend: boolean;
  /** Band colour; '' uses the series colour. */
  bandColor: string;
  anomalyColor: string;
  scoreColor: string;
  /** Id of the continuous detector whose series this panel shows; '' turns marking off. */
  markDetector: string;
}

export const DEFAULT_OPTIONS: BandsOptions = {
  optionsVersion: OPTIONS_VERSION,
  bandOpacity: 20,
  showExpected: true,
  showRegions: true,
  showScore: true,
  scoreHeight: 25,
  showLegend: true,
  bandColor: '',
  anomalyColor: 'red',
  scoreColor: 'orange',
  markDetector: '',
};
