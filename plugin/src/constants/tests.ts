/** Every data-testid in the plugin, shared by jest and Playwright so a renamed id breaks both. */
export const TEST_IDS = {
  configEditor: {
    scorerUrl: 'data-testid tidemark-config-scorer-url',
    token: 'data-testid tidemark-config-token',
  },
  queryEditor: {
    root: 'data-testid tidemark-query-editor',
    database: 'data-testid tidemark-query-database',
    measurement: 'data-testid tidemark-query-measurement',
    field: 'data-testid tidemark-query-field',
    aggregation: 'data-testid tidemark-query-aggregation',
    addTag: 'data-testid tidemark-query-add-tag',
    tagKey: 'data-testid tidemark-query-tag-key',
    tagValue: 'data-testid tidemark-query-tag-value',
    removeTag: 'data-testid tidemark-query-remove-tag',
    groupBy: 'data-testid tidemark-query-group-by',
    detector: 'data-testid tidemark-query-detector',
    sensitivity: 'data-testid tidemark-query-sensitivity',
    threshold: 'data-testid tidemark-query-threshold',
    trainingWindow: 'data-testid tidemark-query-training-window',
    season: 'data-testid tidemark-query-season',
  },
  variableEditor: {
    kind: 'data-testid tidemark-variable-kind',
  },
  annotationsEditor: {
    source: 'data-testid tidemark-annotations-source',
    detector: 'data-testid tidemark-annotations-detector',
  },
  panel: {
    root: 'data-testid tidemark-bands-panel',
    plot: 'data-testid tidemark-bands-plot',
    tooltip: 'data-testid tidemark-bands-tooltip',
    legend: 'data-testid tidemark-bands-legend',
    legendItem: 'data-testid tidemark-bands-legend-item',
  },
  app: {
    page: 'data-testid tidemark-app-page',
    datasourcePicker: 'data-testid tidemark-app-datasource',
    models: 'data-testid tidemark-app-models',
    detectors: 'data-testid tidemark-app-detectors',
    jobs: 'data-testid tidemark-app-jobs',
    jobProgress: 'data-testid tidemark-app-job-progress',
  },
} as const;
