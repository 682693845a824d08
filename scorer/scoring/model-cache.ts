import { decodeModel, type TrainedModel } from '@tidemark/core/engine';
import type { ModelRecord, ModelRegistry } from '../store';
import { ensureTfBackend } from './tf-backend';

/** Decoded models by org/id/version, least recently used dropped first. */
export class ModelCache {
  private readonly entries = new Map<string, TrainedModel>();

  constructor(
    private readonly registry: ModelRegistry,
    private readonly capacity = 64,
  ) {}

  async load(orgId: number, record: ModelRecord): Promise<TrainedModel | null> {
    const cacheKey = `${orgId}/${record.id}/${record.currentVersion}`;
    const hit = this.entries.get(cacheKey);
    if (hit) {
      this.entries.delete(cacheKey);
      this.entries.set(cacheKey, hit);
      return hit;
    }
    const stored = await this.registry.load(orgId, record.id);
    if (!stored) return null;
    const model = decodeModel(stored.bytes);
    if (model.states.some((state) => state.detector === 'lstm')) await ensureTfBackend();
    this.entries.set(cacheKey, model);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return model;
  }
}
