import type { TrainedModel } from '@tidemark/core/engine';
import type { ModelCaches, ModelChange } from '../store';
import { LruMap } from './lru-map';

/** How long a model fitted for a request is reused before the series is learned again. */
export const DEFAULT_FIT_TTL_MS = 3_600_000;

interface Fit {
  model: TrainedModel;
  fittedAt: number;
}

/**
 * Models the scorer fitted itself (no stored model) at a span's anchor (see `anchors.ts`), kept in
 * memory so a panel's refreshes and a continuous detector's runs score with the fit instead of
 * re-learning the training window each time. A fit is reused only for ranges that start after the
 * data it learned from (never look-ahead) and for at most `ttlMs`; least recently used fits are
 * dropped past `capacity` (a fit holds its calibration history, a few hundred kB).
 */
export class FitCache implements ModelCaches {
  private readonly fits: LruMap<string, Fit>;

  constructor(
    private readonly ttlMs = DEFAULT_FIT_TTL_MS,
    capacity = 128,
    private readonly now: () => number = Date.now,
  ) {
    this.fits = new LruMap(capacity);
  }

  /** The fit stored under `key`, if it is fresh and learned only from data before `rangeFrom`. */
  get(key: string, rangeFrom: number): Fit | undefined {
    const fit = this.fits.peek(key);
    if (!fit) return undefined;
    if (this.now() - fit.fittedAt > this.ttlMs) {
      this.fits.delete(key);
      return undefined;
    }
    if (fit.model.trainedTo >= rangeFrom) return undefined;
    return this.fits.get(key);
  }

  put(key: string, model: TrainedModel): void {
    this.fits.set(key, { model, fittedAt: this.now() });
  }

  /** Drops the fits of the changed model's query (a stored model may now take their place). */
  forgetModel({ orgId, queryKey }: ModelChange): void {
    const org = `${orgId}|`;
    const query = `|${queryKey}|`;
    for (const key of [...this.fits.keys()])
      if (queryKey === null || (key.startsWith(org) && key.includes(query))) this.fits.delete(key);
  }

  forgetAllModels(): void {
    for (const key of [...this.fits.keys()]) this.fits.delete(key);
  }

  /** Fresh, usable fits whose keys start with `prefix` (one query's series). */
  withPrefix(prefix: string, rangeFrom: number): Fit[] {
    return [...this.fits.keys()]
      .filter((key) => key.startsWith(prefix))
      .map((key) => this.get(key, rangeFrom))
      .filter((fit): fit is Fit => fit !== undefined);
  }
}
