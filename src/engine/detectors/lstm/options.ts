import { z } from 'zod';

/**
 * Constructor options of the LSTM detector. Training options only shape `fit`; the scoring options
 * (residual window, smoothing, spread floor) are copied into the saved state, so a loaded model
 * scores exactly as it did when it was saved, whatever options the loading instance was given.
 */
export const lstmOptionsSchema = z
  .object({
    /** Past values the forecaster sees for each point (W). */
    window: z.number().int().min(4).max(512).default(32),
    /** LSTM units. Cost grows with units² × window. */
    units: z.number().int().min(1).max(128).default(16),
    /** Upper bound on epochs; early stopping on validation loss usually ends sooner. */
    epochs: z.number().int().min(1).max(200).default(8),
    /**
     * Upper bound on epochs when a refit starts from the weights of the detector's previous fit
     * (same window, channels, season and units: causal runs refit the same detector as the series
     * grows). 0 trains every fit from scratch.
     */
    warmStartEpochs: z.number().int().min(0).max(200).default(2),
    /** Epochs without a validation-loss improvement before stopping. */
    patience: z.number().int().min(1).default(2),
    batchSize: z.number().int().min(1).default(64),
    learningRate: z.number().positive().default(0.005),
    /** Huber loss threshold in normalised units, so anomalies in the training data pull less. */
    huberDelta: z.number().positive().default(1),
    /** Only the most recent windows are trained on, which bounds fit time on long series. */
    maxTrainingWindows: z.number().int().min(1).default(4000),
    /**
     * A refit skips the windows whose target the previous fit's model missed by more than this
     * many robust σ of its misses (anomaly-skip.ts); 0 trains on every window.
     */
    skipErrorAbove: z.number().min(0).default(0),
    /** Fewer trainable windows than this and fit leaves the detector untrained (see LstmDetector). */
    minTrainingWindows: z.number().int().min(1).default(32),
    /** The most recent fraction of windows is held out for early stopping and the residual scale. */
    validationFraction: z.number().min(0).max(0.5).default(0.2),
    /** Add the values one season back as a second input channel when the fit context has a period. */
    seasonalChannel: z.boolean().default(true),
    /**
     * With the seasonal channel, forecast the change from the seasonal-naive forecast (see
     * windows.ts). Off by default: it fixed exactly repeating steps (NAB's artificial series, +10
     * points there) but cost 2 points on each real ops corpus (docs/quality.md, tuning log).
     */
    seasonalBaseline: z.boolean().default(false),
    /**
     * Forecast what the robust detector's seasonal baseline leaves (value − baseline, remainder.ts)
     * and add the baseline back: the network learns what the season and level miss.
     */
    forecastRemainder: z.boolean().default(true),
    /** Relative inputs are clipped to ±clip normalised units so one spike cannot saturate the cell. */
    clip: z.number().positive().default(8),
    /** Windows per predict call when scoring. */
    predictBatchSize: z.number().int().min(1).default(1024),
    /** Past points whose residuals give the running spread (robust: median |residual|). */
    residualWindow: z.number().int().min(1).default(1000),
    /** Weight, in residuals, of the training residual scale in the running spread. */
    priorWeight: z.number().min(0).default(24),
    /** Span of the causal EWMA of normalised errors (1 = no smoothing). */
    smoothingSpan: z.number().int().min(1).default(4),
    /** Spread never falls below this fraction of the training data's robust scale. */
    minSpreadFraction: z.number().min(0).default(0.01),
    /**
     * The running spread is at least this share of the σ implied by the mean |residual| (robust's
     * detector uses 0.5), so a series whose misses are mostly zero with rare large ones (steps a
     * forecaster times late) keeps a spread that the large misses set, not only the zeros.
     */
    meanSpreadShare: z.number().min(0).default(0.5),
    /**
     * Raw score from a per-series dynamic threshold on the smoothed |residuals| (telemanom's, made
     * causal; dynamic-threshold.ts) instead of |residual| / spread.
     */
    dynamicThreshold: z.boolean().default(false),
    /** Past points whose smoothed |residuals| choose each block's threshold. */
    thresholdHistory: z.number().int().min(16).default(2000),
    /** Points per threshold block. */
    thresholdStep: z.number().int().min(1).default(100),
    /** An error above the threshold must exceed the highest normal error by this fraction of itself. */
    pruneFraction: z.number().min(0).max(1).default(0.13),
    /** A point the threshold does not flag keeps this share of its score (see DynamicThreshold.belowShare). */
    belowThresholdShare: z.number().min(0).max(1).default(0.5),
    /** What an anomaly of the dynamic threshold scores (see DynamicThreshold.mode). */
    thresholdMode: z.enum(['ratio', 'gate']).default('gate'),
  })
  .strict();

export type LstmOptions = z.input<typeof lstmOptionsSchema>;
export type LstmConfig = z.output<typeof lstmOptionsSchema>;

export function lstmConfig(options: LstmOptions = {}): LstmConfig {
  return lstmOptionsSchema.parse(options);
}
