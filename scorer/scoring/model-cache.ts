import { decodeModel, type TrainedModel } from '@tidemark/core/engine';
import type { ModelCaches, ModelChange, ModelRecord, ModelRegistry } from '../store';
import { LruMap } from './lru-map';
import { ensureTfBackend } from './tf-backend';

/** Decoded models by org/id/version, least recently used dropped first. */
export class ModelCache implements ModelCaches {
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
    const stored = await this.registry.load(orgId, record.id, record.currentVersion);
    if (!stored) return null;
    const model = decodeModel(stored.bytes);
    if (model.states.some((state) => state.detector === 'lstm')) await ensureTfBackend();
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
