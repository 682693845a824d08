import {
  type DetectorId,
  type DetectorSpec,
  detectorSpecSchema,
  type Notice,
  parseDuration,
  type ScoredSeries,
  scoreFromTailProbability,
  tailProbabilityFromScore,
  thresholdOf,
} from '../contract';
import { bandRounder, largestMagnitude } from './band-precision';
import { TailCalibrator } from './calibration';
import { scoreCausally } from './causal';
import {
  type Detector,
  type DetectorState,
  emptyRawScores,
  type FitProgress,
  type RawScores,
} from './detector';
import { EngineInputError } from './errors';
import { explainPoint } from './explain';
import { type CalibrationSpan, calibrate, type MemberOutcome, type MemberTask, padded } from './member';
import { MODEL_FORMAT_VERSION, type TrainedModel } from './model';
import { inferIntervalMs, type Point, type PreparedSeries, prepareSeries, streamSeries } from './prepare';
import { findRegions } from './regions';
import { type DetectorEntry, type Member, membersOf } from './registry';
import { detectPeriod } from './season';

export interface EngineOptions {
  detector?: Partial<DetectorSpec>;
  /** Step to regularise to; inferred from the timestamps when absent. */
  intervalMs?: number;
  /** Epoch ms: earlier points are history (learned from, not returned). */
  scoreFrom?: number;
  /** Score each point from the points before it only, refitting as the series grows. */
  causal?: boolean;
  /** A trained model to score with instead of fitting. */
  model?: TrainedModel;
  /**
   * Fit only the ensemble members that fit in milliseconds, not the LSTM (which trains for
   * seconds): for fits made while a request waits. Ignored with a model.
   */
  quickFit?: boolean;
  /**
   * Periods [from, to) (epoch ms) a user confirmed normal: when fitting, the raw scores of the
   * training points inside join each member's calibration as normal (see
   * `TailCalibrator.learnNormal`), so the same pattern later scores below the flag threshold.
   * Absent or empty: nothing changes.
   */
  normal?: ReadonlyArray<readonly [number, number]>;
  seed?: number;
  onProgress?: (progress: FitProgress & { detector: DetectorId }) => void;
  signal?: AbortSignal;
  /**
   * Runs a member's scoring and calibration elsewhere (the scorer passes a worker thread's) when
   * scoring with a model; the numbers are the same as running it here.
   */
  offload?: MemberOffload;
  /**
   * Epoch ms: only the slots from here on are read (`scoreSeries` reports them). Earlier slots
   * are scored and learned from as before, but get no probability, band or score (NaN): the
   * numbers of the slots read are the same.
   */
  reportFrom?: number;
  /**
   * Scoring with a model: the model's member `state` loaded, from a caller that keeps loaded
   * members between calls (and disposes of them), so a model scored again is not loaded again.
   * Absent: each call loads its members and disposes of them after. The numbers are the same.
   */
  loadMember?: (state: DetectorState) => Detector;
}

export type MemberOffload = (task: MemberTask, state: DetectorState) => Promise<MemberOutcome>;

/** Per-slot results of scoring a prepared series. Arrays cover every slot; NaN = unknown. */
export interface SlotScores {
  series: PreparedSeries;
  /** First slot that belongs to the requested range. */
  firstSlot: number;
  detector: DetectorId;
  threshold: number;
  expected: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  score: Float64Array;
  anomaly: Uint8Array;
  /**
   * Each member's own calibrated score, in member order (one entry for a single detector). A
   * member's scores equal what scoring with that detector alone gives, so one ensemble run shows
   * every member's opinion too.
   */
  memberScores: { detector: DetectorEntry['id']; score: Float64Array }[];
  explanation: (slot: number) => string;
  notices: Notice[];
  /** The model fitted for this call (null when a model was given or the run was causal). */
  model: TrainedModel | null;
}

/** Fewer points of history than this and a batch fit learns from the range itself. */
export const MIN_HISTORY_POINTS = 64;

const BAND_CALIBRATOR = 'band';

export async function scorePoints(
  points: readonly Point[],
  options: EngineOptions = {},
): Promise<SlotScores> {
  const series = options.causal
    ? streamSeries(points, options.intervalMs)
    : prepareSeries(points, options.intervalMs);
  return scorePrepared(series, options);
}

/** Scores a prepared series with the members of the chosen detector, calibrated to 0–100. */
export async function scorePrepared(
  series: PreparedSeries,
  options: EngineOptions = {},
): Promise<SlotScores> {
  const spec = detectorSpecSchema.parse(
    options.detector ?? (options.model ? { id: options.model.detector, params: options.model.params } : {}),
  );
  const threshold = thresholdOf(spec.params);
  const n = series.values.length;
  const firstSlot = firstSlotFrom(series, options.scoreFrom);
  const notices: Notice[] = [];
  const trained = options.model;
  const members = membersOf(spec.id, {
    ...(trained ? { has: (id) => trained.states.some((state) => state.detector === id) } : {}),
    quick: !trained && options.quickFit === true,
  });
  const period = (end: number) => fixedPeriod(spec, series, end, options.causal === true);
  const run = await rawScoresOf(members, series, firstSlot, period, options, notices);

  const calibration = options.model?.calibration ?? {};
  const span = {
    ...calibrationSpan(series, run, options.model, options.normal),
    ...wantedFrom(series, options.reportFrom),
  };
  const memberProbability = members.map(({ entry }, k) =>
    run.handedOver[k]
      ? undefined
      : calibrate(run.raws[k]!.raw, new TailCalibrator({}, calibration[entry.id] ?? []), span),
  );
  const band = bandOf(run.raws, series, threshold, calibration[BAND_CALIBRATOR] ?? [], span);
  for (const [k, outcome] of run.handedOver.entries()) {
    if (!outcome) continue;
    const { raw, probabilities } = await outcome;
    run.raws[k]!.raw = raw;
    memberProbability[k] = { probabilities, history: [] };
  }
  const { score, driver } = combineScores(
    memberProbability.map((m) => m!.probabilities),
    members,
  );
  const anomaly = new Uint8Array(score.length);
  for (let i = 0; i < score.length; i++) anomaly[i] = score[i]! >= threshold ? 1 : 0;
  const memberScores = members.map(({ entry }, k) => ({
    detector: entry.id,
    score: scoresOf(memberProbability[k]!.probabilities),
  }));
  if (firstSlot < n && Number.isNaN(score[n - 1]!)) {
    notices.push({ severity: 'info', text: 'Not enough history yet to score the latest points.' });
  }
  const explanation = (slot: number) =>
    explainPoint({
      value: series.values[slot]!,
      expected: band.expected[slot]!,
      lower: band.lower[slot]!,
      upper: band.upper[slot]!,
      spread: band.spread[slot]!,
      detector: members[driver[slot]!]?.entry.id ?? spec.id,
    });
  const model =
    run.fitted && !options.causal
      ? modelOf(spec, series, run, {
          ...Object.fromEntries(members.map((m, k) => [m.entry.id, memberProbability[k]!.history])),
          [BAND_CALIBRATOR]: band.history,
        })
      : null;
  // The model holds copies of the fitted states, so the detectors (and their tensors) can go.
  for (const detector of run.detectors) detector.dispose();
  return {
    series,
    firstSlot,
    detector: spec.id,
    threshold,
    ...band,
    score,
    anomaly,
    memberScores,
    explanation,
    notices,
    model,
  };
}

/** Scores points and returns the wire-contract series for the requested range. */
export async function scoreSeries(
  points: readonly Point[],
  options: EngineOptions & {
    name?: string;
    tags?: Record<string, string>;
    /**
     * Epoch ms: the returned series starts here, not at `scoreFrom`. Scoring (and calibration)
     * still starts at `scoreFrom`, so a point scores the same whichever part is returned.
     */
    reportFrom?: number;
  } = {},
): Promise<{ series: ScoredSeries; model: TrainedModel | null }> {
  const result = await scorePoints(points, options);
  const reported =
    options.reportFrom === undefined
      ? result
      : {
          ...result,
          firstSlot: Math.max(result.firstSlot, firstSlotFrom(result.series, options.reportFrom)),
        };
  return {
    series: toScoredSeries(reported, options.name ?? 'series', options.tags ?? {}),
    model: result.model,
  };
}

/** Fits the detector on all the points and returns the model (with calibration history). */
export async function trainModel(
  points: readonly Point[],
  options: EngineOptions = {},
): Promise<TrainedModel> {
  const result = await scorePoints(points, {
    ...options,
    causal: false,
    model: undefined,
    scoreFrom: undefined,
    reportFrom: undefined,
  });
  if (!result.model) throw new EngineInputError('training produced no model');
  return result.model;
}

export function toScoredSeries(result: SlotScores, name: string, tags: Record<string, string>): ScoredSeries {
  const { series, firstSlot } = result;
  const slice = (values: Float64Array, round = (v: number) => v) =>
    Array.from(values.subarray(firstSlot), (v) => (Number.isNaN(v) ? null : round(v)));
  const band = bandRounder(
    largestMagnitude(series.values.subarray(firstSlot)) ||
      largestMagnitude(result.expected.subarray(firstSlot)),
  );
  const anomaly = Array.from(result.anomaly.subarray(firstSlot), (a) => a === 1);
  const times = series.times.subarray(firstSlot);
  return {
    name,
    tags,
    detector: result.detector,
    threshold: result.threshold,
    time: Array.from(times),
    value: slice(series.values),
    expected: slice(result.expected, band),
    lower: slice(result.lower, band),
    upper: slice(result.upper, band),
    score: Array.from(result.score.subarray(firstSlot), (v) =>
      Number.isNaN(v) ? null : Math.round(v * 10) / 10,
    ),
    anomaly,
    regions: findRegions({
      times,
      score: result.score.subarray(firstSlot),
      anomaly,
      detector: result.detector,
      explain: (k) => result.explanation(firstSlot + k),
    }),
    notices: result.notices,
  };
}

interface MemberRun {
  detectors: Detector[];
  raws: RawScores[];
  /** Members scored and calibrated elsewhere (see `EngineOptions.offload`); their `raws` are empty. */
  handedOver: (Promise<MemberOutcome> | undefined)[];
  period: number | null;
  fitted: boolean;
  trainedPoints: number;
}

async function rawScoresOf(
  members: Member[],
  series: PreparedSeries,
  firstSlot: number,
  fixed: (end: number) => number | null | undefined,
  options: EngineOptions,
  notices: Notice[],
): Promise<MemberRun> {
  const n = series.values.length;
  const seed = options.seed ?? 1;
  const entries = members.map((m) => m.entry);
  for (const entry of entries) await entry.ready?.();
  if (options.model) return scoreWithModel(entries, series, firstSlot, options.model, options);
  const detectors = entries.map((entry) => entry.create());
  const context = (id: DetectorId) => ({
    seed,
    signal: options.signal,
    onProgress: options.onProgress && ((p: FitProgress) => options.onProgress!({ ...p, detector: id })),
  });
  if (options.causal) {
    const raws: RawScores[] = [];
    for (const [k, entry] of entries.entries()) {
      raws.push(await scoreCausally(entry, detectors[k]!, series, context(entry.id), fixed));
    }
    return { detectors, raws, handedOver: [], period: null, fitted: false, trainedPoints: 0 };
  }
  const fitEnd = firstSlot >= MIN_HISTORY_POINTS ? firstSlot : n;
  if (fitEnd === n && firstSlot > 0) {
    notices.push({
      severity: 'info',
      text: `Only ${firstSlot} points of history before the range: the detector learned from the range itself.`,
    });
  }
  const override = fixed(fitEnd);
  const period = override !== undefined ? override : detectPeriod(series.values, fitEnd);
  for (const [k, entry] of entries.entries()) {
    await detectors[k]!.fit(series, fitEnd, { ...context(entry.id), period });
  }
  const raws = detectors.map((d) => d.score(series, 0, n));
  return { detectors, raws, handedOver: [], period, fitted: true, trainedPoints: fitEnd };
}

/**
 * Scoring with a trained model. Members after the first that need no async set-up go to
 * `offload` when given (they never give the band while an earlier member forecasts), so they run
 * while this thread scores the first member and calibrates it and the band.
 */
function scoreWithModel(
  entries: DetectorEntry[],
  series: PreparedSeries,
  firstSlot: number,
  model: TrainedModel,
  { offload, loadMember, reportFrom }: EngineOptions,
): MemberRun {
  const n = series.values.length;
  const view = { values: series.values, times: series.times, intervalMs: series.intervalMs };
  const span = { ...modelSpan(series, model), ...wantedFrom(series, reportFrom) };
  const handedOver = entries.map((entry, k) => {
    if (k === 0 || !offload || entry.ready) return undefined;
    const task = {
      detector: entry.id,
      series: view,
      firstSlot,
      history: model.calibration[entry.id] ?? [],
      span,
    };
    const outcome = offload(task, stateOf(model, entry));
    // Awaited after this thread's own work; a failure must not count as unhandled meanwhile.
    outcome.catch(() => {});
    return outcome;
  });
  const detectors: Detector[] = [];
  const raws: RawScores[] = [];
  for (const [k, entry] of entries.entries()) {
    const band = !raws.some(forecasts);
    if (handedOver[k] && !band) {
      raws.push(emptyRawScores(n));
      continue;
    }
    // A handed-over member that turns out to give the band (nobody before it forecasts) is
    // scored here after all; what came back for it is not used.
    handedOver[k] = undefined;
    const state = stateOf(model, entry);
    let detector: Detector;
    if (loadMember) detector = loadMember(state);
    else {
      // Loaded for this call only: disposed of when it ends.
      detector = entry.create();
      detectors.push(detector);
      detector.load(state);
    }
    // Points before the range are only lookback: detectors read them, nobody needs their scores.
    raws.push(padded(detector.score(series, firstSlot, n, { band }), firstSlot));
  }
  return { detectors, raws, handedOver, period: model.period, fitted: false, trainedPoints: 0 };
}

/** Scores from tail probabilities (a loop: `Float64Array.from` with a map is several times slower). */
function scoresOf(probabilities: Float64Array): Float64Array {
  const scores = new Float64Array(probabilities.length);
  for (let i = 0; i < probabilities.length; i++) scores[i] = scoreFromTailProbability(probabilities[i]!);
  return scores;
}

/** Whether a member gives expected values: the first that does gives the band (see `bandOf`). */
function forecasts(scores: RawScores): boolean {
  return scores.expected.some((e) => !Number.isNaN(e));
}

function stateOf(model: TrainedModel, entry: DetectorEntry): DetectorState {
  const state = model.states.find((s) => s.detector === entry.id);
  if (!state) throw new EngineInputError(`the model has no state for detector "${entry.id}": train it again`);
  return state;
}

/**
 * One member: its calibrated score. Several (the ensemble): the weighted mean of their scores, i.e.
 * a weighted geometric mean of their tail probabilities, so one member alone rarely flags a point;
 * raised to a member's own score minus its `floorBelow` where that is higher. `driver` is the
 * member with the highest score (it names the detector in explanations).
 */
function combineScores(probabilities: Float64Array[], members: readonly Member[]) {
  const n = probabilities[0]?.length ?? 0;
  const score = new Float64Array(n).fill(Number.NaN);
  const driver = new Int16Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    let weighted = 0;
    let weightSum = 0;
    let floor = Number.NEGATIVE_INFINITY;
    let top = -1;
    for (let k = 0; k < probabilities.length; k++) {
      const p = probabilities[k]![i]!;
      if (Number.isNaN(p)) continue;
      const memberScore = scoreFromTailProbability(p);
      const { weight, floorBelow } = members[k]!;
      weighted += weight * memberScore;
      weightSum += weight;
      if (floorBelow !== undefined) floor = Math.max(floor, memberScore - floorBelow);
      if (memberScore > top) {
        top = memberScore;
        driver[i] = k;
      }
    }
    if (weightSum > 0) score[i] = Math.max(weighted / weightSum, floor);
  }
  return { score, driver };
}

function calibrationSpan(
  series: PreparedSeries,
  run: MemberRun,
  model: TrainedModel | undefined,
  normal: EngineOptions['normal'],
): CalibrationSpan {
  if (model) return modelSpan(series, model);
  const span = { firstUpdate: 0, snapshotAt: run.fitted ? run.trainedPoints : null };
  if (!normal?.length || span.snapshotAt === null) return span;
  const slots = Uint8Array.from(series.times, (time, i) =>
    i < span.snapshotAt! && normal.some(([from, to]) => time >= from && time < to) ? 1 : 0,
  );
  return slots.includes(1) ? { ...span, normal: slots } : span;
}

/**
 * The first slot anyone reads when only the slots from `reportFrom` on are (see
 * `EngineOptions.reportFrom`). The last slot always is: the "not enough history" notice reads it.
 */
function wantedFrom(series: PreparedSeries, reportFrom: number | undefined): { firstWanted?: number } {
  if (reportFrom === undefined) return {};
  return { firstWanted: Math.min(firstSlotFrom(series, reportFrom), series.values.length - 1) };
}

/** A loaded model's history already holds the points up to `trainedTo`: only later ones update it. */
function modelSpan(series: PreparedSeries, model: TrainedModel): CalibrationSpan {
  const n = series.values.length;
  const after = series.times.findIndex((t) => t > model.trainedTo);
  return { firstUpdate: after < 0 ? n : after, snapshotAt: null };
}

/** Expected value and band from the first member that forecasts, the band calibrated on |z|. */
function bandOf(
  raws: RawScores[],
  series: PreparedSeries,
  threshold: number,
  history: number[],
  span: CalibrationSpan,
) {
  const n = series.values.length;
  const source = raws.find(forecasts) ?? raws[0]!;
  const calibrator = new TailCalibrator({}, history);
  const pFlag = tailProbabilityFromScore(threshold);
  const lower = new Float64Array(n).fill(Number.NaN);
  const upper = new Float64Array(n).fill(Number.NaN);
  const wanted = span.firstWanted ?? 0;
  let saved: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i === span.snapshotAt) saved = calibrator.snapshot();
    const e = source.expected[i]!;
    const s = source.spread[i]!;
    const halfWidth = i >= wanted ? calibrator.rawForProbability(pFlag) * s : Number.NaN;
    if (!Number.isNaN(halfWidth)) {
      lower[i] = e - halfWidth;
      upper[i] = e + halfWidth;
    }
    const v = series.values[i]!;
    if (s > 0 && i >= span.firstUpdate) calibrator.update(Math.abs(v - e) / s);
  }
  if (span.snapshotAt !== null && span.snapshotAt >= n) saved = calibrator.snapshot();
  return { expected: source.expected, spread: source.spread, lower, upper, history: saved };
}

function modelOf(
  spec: DetectorSpec,
  series: PreparedSeries,
  run: MemberRun,
  calibration: Record<string, number[]>,
): TrainedModel {
  return {
    formatVersion: MODEL_FORMAT_VERSION,
    detector: spec.id,
    params: spec.params,
    intervalMs: series.intervalMs,
    period: run.period,
    trainedFrom: series.times[0]!,
    trainedTo: series.times[run.trainedPoints - 1]!,
    trainedPoints: run.trainedPoints,
    states: run.detectors.map((d) => d.save()),
    calibration,
  };
}

function firstSlotFrom(series: PreparedSeries, scoreFrom: number | undefined): number {
  if (scoreFrom === undefined) return 0;
  const index = series.times.findIndex((t) => t >= scoreFrom);
  return index < 0 ? series.times.length : index;
}

/**
 * The `season` parameter in steps for a fit on [0, end). In causal mode the step is the spacing of
 * the points before `end`, never one inferred from later timestamps.
 */
function fixedPeriod(spec: DetectorSpec, series: PreparedSeries, end: number, causal: boolean) {
  if (!spec.params.season) return undefined;
  const intervalMs = causal ? inferIntervalMs(series.times.subarray(0, end)) : series.intervalMs;
  const steps = Math.round(parseDuration(spec.params.season) / intervalMs);
  return steps >= 2 ? steps : null;
}
