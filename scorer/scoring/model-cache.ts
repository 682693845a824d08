import { decodeModel, type TrainedModel } from '@tidemark/core/engine';
import type { ModelRecord, ModelRegistry } from '../store';
import { LruMap } from './lru-map';
import { ensureTfBackend } from './tf-backend';

/** Decoded models by org/id/version, least recently used dropped first. */
export class ModelCache {
  private readonly entries: LruMap<string, TrainedModel>;

  constructor(
    private readonly registry: ModelRegistry,
    capacity = 64,
  ) {
    this.entries = new LruMap(capacity);
  }

  async load(orgId: number, record: ModelRecord): Promise<TrainedModel | null> {
    const cacheKey = `${orgId}/${record.id}/${record.currentVersion}`;
    const hit = this.entries.get(cacheKey);
    if (hit) return hit;
    const stored = await this.registry.load(orgId, record.id);
    if (!stored) return null;
    const model = decodeModel(stored.bytes);
    if (model.states.some((state) => state.detector === 'lstm')) await ensureTfBackend();
    this.entries.set(cacheKey, model);
    return model;
  }
}
