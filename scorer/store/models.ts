import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { CorruptRecordError, readRecord } from './collection';
import { DEFAULT_KEEP_VERSIONS, type LoadedModel, type ModelRegistry, prunedVersions } from './contract';
import { KeyedMutex, listNames, readFileOrNull, removeDirectoryAtomic, writeFileAtomic } from './files';
import { checkRecordId, InvalidIdError, orgDir } from './paths';

export const modelVersionSchema = z.object({
  version: z.number().int().positive(),
  createdAt: z.number(),
  sizeBytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  createdBy: z.string().nullable().default(null),
  /** What training reported: range, points, loss… (shown in the API, not interpreted here). */
  info: z.record(z.string(), z.unknown()).default({}),
});
export type ModelVersion = z.infer<typeof modelVersionSchema>;

export const modelRecordSchema = z.object({
  id: z.string(),
  /** Lookup key: which series and detector this model scores (see `findByKey`). */
  key: z.string(),
  detector: z.string(),
  /** Descriptive data for listings (query, tags, name). */
  labels: z.record(z.string(), z.unknown()).default({}),
  createdAt: z.number(),
  updatedAt: z.number(),
  currentVersion: z.number().int().positive(),
  /** Kept versions, oldest first. */
  versions: z.array(modelVersionSchema).min(1),
});
export type ModelRecord = z.infer<typeof modelRecordSchema>;

export interface SaveModelInput {
  id: string;
  key: string;
  detector: string;
  labels?: Record<string, unknown>;
  info?: Record<string, unknown>;
  createdBy?: string | null;
}

export class UnknownVersionError extends Error {
  override readonly name = 'UnknownVersionError';
}

/** The version number and checksum a save adds (shared by both registries). */
export function newVersionEntry(
  version: number,
  input: SaveModelInput,
  bytes: Uint8Array,
  now: number,
): ModelVersion {
  return {
    version,
    createdAt: now,
    sizeBytes: bytes.byteLength,
    sha256: sha256(bytes),
    createdBy: input.createdBy ?? null,
    info: input.info ?? {},
  };
}

/** The record after saving `entry` over `previous` (labels kept unless given), pruned. */
export function recordWithVersion(
  input: SaveModelInput,
  previous: ModelRecord | null | undefined,
  entry: ModelVersion,
  keepVersions: number,
): ModelRecord {
  return modelRecordSchema.parse({
    id: input.id,
    key: input.key,
    detector: input.detector,
    labels: input.labels ?? previous?.labels ?? {},
    createdAt: previous?.createdAt ?? entry.createdAt,
    updatedAt: entry.createdAt,
    currentVersion: entry.version,
    versions: prunedVersions([...(previous?.versions ?? []), entry], entry.version, keepVersions),
  });
}

/** The version `rollback` makes current, or UnknownVersionError naming the kept ones. */
export function checkRollback(id: string, record: ModelRecord | null, version: number): ModelRecord {
  if (!record) throw new UnknownVersionError(`model ${id} does not exist`);
  if (!record.versions.some((v) => v.version === version)) {
    const kept = record.versions.map((v) => v.version).join(', ');
    throw new UnknownVersionError(`model ${id} has no version ${version} (kept: ${kept})`);
  }
  return record;
}

/** The entry of `version` (default current) in `record`, or UnknownVersionError. */
export function versionEntry(record: ModelRecord, version?: number): ModelVersion {
  const wanted = version ?? record.currentVersion;
  const entry = record.versions.find((v) => v.version === wanted);
  if (!entry) throw new UnknownVersionError(`model ${record.id} has no version ${wanted}`);
  return entry;
}

/** Whether `bytes` are what `entry` recorded. */
export const matchesChecksum = (bytes: Uint8Array, entry: ModelVersion) => sha256(bytes) === entry.sha256;

const META = 'model.json';
const blobName = (version: number) => `v${String(version).padStart(6, '0')}.bin`;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Trained models per org, versioned: `models/<id>/model.json` plus one `vNNNNNN.bin` per kept
 * version. A new version's bytes are written before the metadata that points at them, so a
 * crash in between leaves the previous version current. Single writer per data dir.
 */
export class FileModelRegistry implements ModelRegistry {
  private readonly mutex = new KeyedMutex();
  /** Metadata cache per org, loaded on first use (this process is the only writer). */
  private readonly cache = new Map<number, Promise<Map<string, ModelRecord>>>();

  constructor(
    private readonly dataDir: string,
    private readonly options: { keepVersions?: number; now?: () => number } = {},
  ) {}

  private dir(orgId: number, id?: string): string {
    const root = orgDir(this.dataDir, orgId, 'models');
    return id === undefined ? root : join(root, checkRecordId(id, 'model id'));
  }

  private records(orgId: number): Promise<Map<string, ModelRecord>> {
    let records = this.cache.get(orgId);
    if (!records) {
      records = this.loadAll(orgId);
      records.catch(() => this.cache.delete(orgId));
      this.cache.set(orgId, records);
    }
    return records;
  }

  private async loadAll(orgId: number): Promise<Map<string, ModelRecord>> {
    const records = new Map<string, ModelRecord>();
    for (const id of await listNames(this.dir(orgId))) {
      const record = await this.readMeta(orgId, id).catch((error: unknown) => {
        if (error instanceof InvalidIdError) return null; // not ours: ignore stray directories
        throw error;
      });
      if (record) records.set(id, record);
    }
    return records;
  }

  private async readMeta(orgId: number, id: string): Promise<ModelRecord | null> {
    return readRecord(join(this.dir(orgId, id), META), modelRecordSchema, 'model');
  }

  async get(orgId: number, id: string): Promise<ModelRecord | null> {
    checkRecordId(id, 'model id');
    return (await this.records(orgId)).get(id) ?? null;
  }

  async list(orgId: number): Promise<ModelRecord[]> {
    return [...(await this.records(orgId)).values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  async findByKey(orgId: number, key: string): Promise<ModelRecord | null> {
    for (const record of (await this.records(orgId)).values()) if (record.key === key) return record;
    return null;
  }

  async saveVersion(orgId: number, input: SaveModelInput, bytes: Uint8Array): Promise<ModelRecord> {
    const dir = this.dir(orgId, input.id);
    return this.mutex.run(`${orgId}/${input.id}`, async () => {
      const records = await this.records(orgId);
      const previous = records.get(input.id);
      const now = this.options.now?.() ?? Date.now();
      const version = Math.max(0, ...(previous?.versions.map((v) => v.version) ?? [])) + 1;
      await writeFileAtomic(join(dir, blobName(version)), bytes);
      const entry = newVersionEntry(version, input, bytes, now);
      const keep = this.options.keepVersions ?? DEFAULT_KEEP_VERSIONS;
      const record = recordWithVersion(input, previous, entry, keep);
      await this.commit(orgId, record, previous);
      return record;
    });
  }

  async rollback(orgId: number, id: string, version: number): Promise<ModelRecord> {
    return this.mutex.run(`${orgId}/${id}`, async () => {
      const previous = checkRollback(id, await this.get(orgId, id), version);
      const now = this.options.now?.() ?? Date.now();
      const record = { ...previous, currentVersion: version, updatedAt: now };
      await this.commit(orgId, record, previous);
      return record;
    });
  }

  async load(orgId: number, id: string, version?: number): Promise<LoadedModel | null> {
    const record = await this.get(orgId, id);
    if (!record) return null;
    const entry = versionEntry(record, version);
    const path = join(this.dir(orgId, id), blobName(entry.version));
    const bytes = await readFileOrNull(path);
    if (bytes === null || !matchesChecksum(bytes, entry)) {
      throw new CorruptRecordError(`${path} is missing or does not match its checksum`);
    }
    return { record, version: entry, bytes: new Uint8Array(bytes) };
  }

  async delete(orgId: number, id: string): Promise<boolean> {
    return this.mutex.run(`${orgId}/${id}`, async () => {
      const records = await this.records(orgId);
      const removed = await removeDirectoryAtomic(this.dir(orgId, id));
      records.delete(id);
      return removed;
    });
  }

  private async commit(orgId: number, record: ModelRecord, previous: ModelRecord | undefined): Promise<void> {
    const dir = this.dir(orgId, record.id);
    await writeFileAtomic(join(dir, META), `${JSON.stringify(record, null, 2)}\n`);
    (await this.records(orgId)).set(record.id, record);
    // Only after the metadata no longer points at them: drop blobs of pruned versions.
    const kept = new Set(record.versions.map((v) => v.version));
    const dropped = (previous?.versions ?? []).filter((v) => !kept.has(v.version));
    await Promise.all(dropped.map((v) => rm(join(dir, blobName(v.version)), { force: true })));
  }
}
