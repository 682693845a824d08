import { execAll, type RedisConnection } from '../cluster/redis';
import { CorruptRecordError, parseRecord } from './collection';
import {
  DEFAULT_KEEP_VERSIONS,
  type LoadedModel,
  type ModelCaches,
  type ModelChange,
  type ModelRegistry,
  modelChange,
} from './contract';
import { KeyedMutex } from './files';
import {
  checkRollback,
  type ModelRecord,
  matchesChecksum,
  modelRecordSchema,
  newVersionEntry,
  recordWithVersion,
  type SaveModelInput,
  versionEntry,
} from './models';
import { checkRecordId } from './paths';
import { untilWritten } from './redis-collection';
import { MODEL_CAS_SCRIPT, type RedisKeys } from './redis-keys';

export interface RedisModelRegistryOptions {
  keepVersions?: number;
  now?: () => number;
  /** Told of every save, rollback and delete this replica made (to tell the others). */
  onChange?: (change: ModelChange) => Promise<void>;
}

/**
 * Models in the shared Redis. A save takes its version number from a counter (unique across
 * replicas), writes the bytes, then swaps the record in with a compare-and-set that also deletes
 * the blobs it prunes, so a crash in between leaves the previous version current.
 * Each org's records are kept in memory while the org's revision counter in Redis stays the same
 * (one GET per read instead of every record), so a change on any replica is seen at once.
 */
export class RedisModelRegistry implements ModelRegistry, ModelCaches {
  /** Changes of one model within this replica queue up; only other replicas contend. */
  private readonly mutex = new KeyedMutex();
  private readonly cache = new Map<number, { revision: string; records: Map<string, ModelRecord> }>();

  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: RedisKeys,
    private readonly options: RedisModelRegistryOptions = {},
  ) {}

  forgetModel({ orgId }: ModelChange): void {
    this.cache.delete(orgId);
  }

  forgetAllModels(): void {
    this.cache.clear();
  }

  /** The org's records: the kept ones while its revision is unchanged, else all read again. */
  private async records(orgId: number): Promise<Map<string, ModelRecord>> {
    const revisionKey = this.keys.modelRevision(orgId);
    const revision = (await this.redis.run((c) => c.get(revisionKey))) ?? '0';
    const kept = this.cache.get(orgId);
    if (kept?.revision === revision) return kept.records;
    const [readRevision, all] = (await this.redis.run((c) =>
      execAll(c.multi().get(revisionKey).hgetall(this.keys.modelRecords(orgId))),
    )) as [string | null, Record<string, string>];
    const records = new Map<string, ModelRecord>();
    for (const id of Object.keys(all).sort())
      records.set(id, this.parse(orgId, id, all[id] ?? null) as ModelRecord);
    this.cache.set(orgId, { revision: readRevision ?? '0', records });
    return records;
  }

  private parse(orgId: number, id: string, text: string | null): ModelRecord | null {
    if (text === null) return null;
    return parseRecord(text, modelRecordSchema, 'model', `model ${id} of org ${orgId} in Redis`);
  }

  private async raw(orgId: number, id: string): Promise<string | null> {
    checkRecordId(id, 'model id');
    return this.redis.run((c) => c.hget(this.keys.modelRecords(orgId), id));
  }

  async get(orgId: number, id: string): Promise<ModelRecord | null> {
    checkRecordId(id, 'model id');
    return (await this.records(orgId)).get(id) ?? null;
  }

  async list(orgId: number): Promise<ModelRecord[]> {
    return [...(await this.records(orgId)).values()];
  }

  async findByKey(orgId: number, key: string): Promise<ModelRecord | null> {
    const id = await this.redis.run((c) => c.hget(this.keys.modelKeys(orgId), key));
    return id === null ? null : this.get(orgId, id);
  }

  async saveVersion(orgId: number, input: SaveModelInput, bytes: Uint8Array): Promise<ModelRecord> {
    checkRecordId(input.id, 'model id');
    const version = await this.redis.run((c) => c.incr(this.keys.modelNextVersion(orgId, input.id)));
    const blob = this.keys.modelBlob(orgId, input.id, version);
    await this.redis.run((c) => c.set(blob, Buffer.from(bytes)));
    const entry = newVersionEntry(version, input, bytes, this.options.now?.() ?? Date.now());
    const keep = this.options.keepVersions ?? DEFAULT_KEEP_VERSIONS;
    return this.swap(orgId, input.id, (previous) => recordWithVersion(input, previous, entry, keep));
  }

  async rollback(orgId: number, id: string, version: number): Promise<ModelRecord> {
    return this.swap(orgId, id, (previous) => ({
      ...checkRollback(id, previous, version),
      currentVersion: version,
      updatedAt: this.options.now?.() ?? Date.now(),
    }));
  }

  async load(orgId: number, id: string, version?: number): Promise<LoadedModel | null> {
    const first = await this.loadOnce(orgId, id, version);
    // Another replica may have pruned the version between reading the record and its bytes.
    if (first !== 'missing') return first;
    return (await this.loadOnce(orgId, id, version, true)) as LoadedModel | null;
  }

  private async loadOnce(
    orgId: number,
    id: string,
    version: number | undefined,
    lastTry = false,
  ): Promise<LoadedModel | null | 'missing'> {
    const record = await this.get(orgId, id);
    if (!record) return null;
    const entry = versionEntry(record, version);
    const bytes = await this.redis.run((c) => c.getBuffer(this.keys.modelBlob(orgId, id, entry.version)));
    if (bytes === null && !lastTry) return 'missing';
    if (bytes === null || !matchesChecksum(bytes, entry)) {
      throw new CorruptRecordError(
        `version ${entry.version} of model ${id} of org ${orgId} in Redis is missing or does not match its checksum`,
      );
    }
    return { record, version: entry, bytes: new Uint8Array(bytes) };
  }

  async delete(orgId: number, id: string): Promise<boolean> {
    return this.untilChanged(orgId, id, async (text, record) => {
      if (!record || text === null) return false;
      const blobs = record.versions.map((v) => this.keys.modelBlob(orgId, id, v.version));
      if (!(await this.compareAndSet(orgId, id, record.key, text, '', blobs))) return undefined;
      await this.changed(orgId, record);
      return true;
    });
  }

  /** Replaces the record with `change(current)` unless another replica changed it meanwhile (then again). */
  private async swap(
    orgId: number,
    id: string,
    change: (previous: ModelRecord | null) => ModelRecord,
  ): Promise<ModelRecord> {
    return this.untilChanged(orgId, id, async (text, previous) => {
      const record = change(previous);
      const kept = new Set(record.versions.map((v) => v.version));
      const dropped = (previous?.versions ?? [])
        .filter((v) => !kept.has(v.version))
        .map((v) => this.keys.modelBlob(orgId, id, v.version));
      const next = JSON.stringify(record);
      if (!(await this.compareAndSet(orgId, id, record.key, text ?? '', next, dropped))) return undefined;
      await this.changed(orgId, record);
      return record;
    });
  }

  /** One change of a model at a time in this replica, tried again while other replicas get in between. */
  private untilChanged<T>(
    orgId: number,
    id: string,
    attempt: (text: string | null, current: ModelRecord | null) => Promise<T | undefined>,
  ): Promise<T> {
    return this.mutex.run(`${orgId}/${id}`, () =>
      untilWritten(`model ${id} of org ${orgId}`, async () => {
        const text = await this.raw(orgId, id);
        return attempt(text, this.parse(orgId, id, text));
      }),
    );
  }

  private async compareAndSet(
    orgId: number,
    id: string,
    lookupKey: string,
    expected: string,
    next: string,
    droppedBlobs: string[],
  ): Promise<boolean> {
    const k = this.keys;
    const scriptKeys = [
      k.modelRecords(orgId),
      k.modelKeys(orgId),
      k.orgs,
      k.modelNextVersion(orgId, id),
      k.modelRevision(orgId),
    ];
    const done = await this.redis.run((c) =>
      c.eval(
        MODEL_CAS_SCRIPT,
        scriptKeys.length + droppedBlobs.length,
        ...scriptKeys,
        ...droppedBlobs,
        id,
        expected,
        next,
        lookupKey,
        String(orgId),
      ),
    );
    return done === 1;
  }

  private async changed(orgId: number, record: ModelRecord): Promise<void> {
    this.cache.delete(orgId);
    await this.options.onChange?.(modelChange(orgId, record));
  }
}
