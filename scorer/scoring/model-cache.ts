import { decodeModel, type TrainedModel } from '@tidemark/core/engine';
import type { ModelCaches, ModelChange, ModelRecord, ModelRegistry } from '../store';
import type { StoredModel } from './engine-protocol';
import { LruMap } from './lru-map';
import { ensureTfBackend } from './tf-backend';

/** The bytes of a stored model version were pruned or deleted after it was first met. */
export class ModelVersionGoneError extends Error {
  override readonly name = 'ModelVersionGoneError';
}

/**
 * One stored model version as this thread keeps it: its detector and period only (read when the
 * version is first met). Engine workers are sent its bytes, read from the store again, and
 * decode and keep it themselves, so the model is held once per replica, in the worker that
 * scores it; only the engine on this thread (no workers, or one lost) decodes it here, and then
 * keeps that copy.
 */
class CachedModel implements StoredModel {
  private decodedHere: TrainedModel | undefined;

  constructor(
    readonly key: string,
    readonly detector: TrainedModel['detector'],
    readonly period: number | null,
    /** The bytes as read when the version was first met, until the first engine call takes them. */
    private firstBytes: Uint8Array | undefined,
    private readonly read: () => Promise<Uint8Array | null>,
  ) {}

  async bytes(): Promise<Uint8Array> {
    const kept = this.firstBytes;
    this.firstBytes = undefined;
    if (kept) return kept;
    const bytes = await this.read();
    if (!bytes) throw new ModelVersionGoneError(`model version ${this.key} is no longer stored`);
    return bytes;
  }

  async decoded(): Promise<TrainedModel> {
    if (!this.decodedHere) {
      const model = decodeModel(await this.bytes());
      if (model.states.some((state) => state.detector === 'lstm')) await ensureTfBackend();
      this.decodedHere = model;
    }
    return this.decodedHere;
  }
}

/** Stored models by org/id/version (see `CachedModel`), least recently used dropped first. */
export class ModelCache implements ModelCaches {
  private readonly entries: LruMap<string, CachedModel>;

  constructor(
    private readonly registry: ModelRegistry,
    capacity = 64,
  ) {
    this.entries = new LruMap(capacity);
  }

  async load(orgId: number, record: ModelRecord): Promise<StoredModel | null> {
    const { id, currentVersion } = record;
    const cacheKey = `${orgId}/${id}/${currentVersion}`;
    const hit = this.entries.get(cacheKey);
    if (hit) return hit;
    const stored = await this.registry.load(orgId, id, currentVersion);
    if (!stored) return null;
    // Decoded once, for what this thread needs of it (and a clear error now for bad bytes).
    const { detector, period } = decodeModel(stored.bytes);
    const read = () => this.registry.load(orgId, id, currentVersion).then((again) => again?.bytes ?? null);
    // The checksum makes the key one model's for good (a model deleted and made again reuses versions).
    const key = `${cacheKey}/${stored.version.sha256}`;
    const model = new CachedModel(key, detector, period, stored.bytes, read);
    this.entries.set(cacheKey, model);
    return model;
  }

  forgetModel({ orgId, id }: ModelChange): void {
    const prefix = `${orgId}/${id}/`;
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  forgetAllModels(): void {
    for (const key of [...this.entries.keys()]) this.entries.delete(key);
  }
}
