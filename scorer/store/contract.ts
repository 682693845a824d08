import type { z } from 'zod';
import type { ModelRecord, ModelVersion, SaveModelInput } from './models';

/**
 * One kind of record (detectors, jobs, checkpoints) per org, validated with its zod schema on
 * write and when read back. Every operation is atomic per record: a reader sees a whole record.
 */
export interface JsonCollection<S extends z.ZodType> {
  readonly kind: string;
  get(orgId: number, id: string): Promise<z.output<S> | null>;
  /** Every record of the org, ordered by id. */
  list(orgId: number): Promise<Array<z.output<S>>>;
  /** Validates and writes a record, replacing any previous one. */
  put(orgId: number, id: string, value: z.input<S>): Promise<z.output<S>>;
  /**
   * Read-modify-write with no lost update: `change` gets the current value (or null) and returns
   * the new one, or `undefined` to leave the record as it is. It may be called again with a newer
   * value when another writer got in between (the shared store), so it must not have side effects.
   */
  update(
    orgId: number,
    id: string,
    change: (current: z.output<S> | null) => z.input<S> | undefined | Promise<z.input<S> | undefined>,
  ): Promise<z.output<S> | null>;
  delete(orgId: number, id: string): Promise<boolean>;
}

/** A stored model's bytes with the record and version they belong to. */
export interface LoadedModel {
  record: ModelRecord;
  version: ModelVersion;
  bytes: Uint8Array;
}

/** Trained models per org, versioned, keeping the newest `keepVersions` plus the current one. */
export interface ModelRegistry {
  get(orgId: number, id: string): Promise<ModelRecord | null>;
  /** Every model of the org, ordered by id. */
  list(orgId: number): Promise<ModelRecord[]>;
  findByKey(orgId: number, key: string): Promise<ModelRecord | null>;
  /** Stores `bytes` as the next version of model `input.id` (created if new) and makes it current. */
  saveVersion(orgId: number, input: SaveModelInput, bytes: Uint8Array): Promise<ModelRecord>;
  /** Makes a kept earlier (or later) version current again. */
  rollback(orgId: number, id: string, version: number): Promise<ModelRecord>;
  /** The bytes of the current (or a given) version, checked against their SHA-256. */
  load(orgId: number, id: string, version?: number): Promise<LoadedModel | null>;
  delete(orgId: number, id: string): Promise<boolean>;
}

/** A model saved, rolled back or deleted (published to the other replicas in scale-out mode). */
export interface ModelChange {
  orgId: number;
  id: string;
  /** The query it scores (`labels.queryKey`): fits for that query are dropped too. */
  queryKey: string | null;
}

/** Something a replica keeps about models that goes stale when they change elsewhere. */
export interface ModelCaches {
  forgetModel(change: ModelChange): void;
  /** Everything: changes may have been missed (the subscription was lost). */
  forgetAllModels(): void;
}

/** The change a record makes (for ModelCaches). */
export function modelChange(
  orgId: number,
  record: { id: string; labels: Record<string, unknown> },
): ModelChange {
  const queryKey = record.labels.queryKey;
  return { orgId, id: record.id, queryKey: typeof queryKey === 'string' ? queryKey : null };
}

/** The scorer's state: models, plus JSON collections (detectors, jobs, checkpoints). */
export interface StateStore {
  /** Where the state lives, for messages: `DATA_DIR`, or `Redis at redis://host:6379`. */
  readonly location: string;
  readonly models: ModelRegistry;
  /** Temp files a crash had left behind, removed when the store was opened (files only). */
  readonly recoveredTempFiles: number;
  collection<S extends z.ZodType>(kind: string, schema: S): JsonCollection<S>;
  /** Orgs that have any stored state. */
  orgIds(): Promise<number[]>;
  /** Throws unless the store takes a write and its removal (for `/readyz`). */
  checkWritable(): Promise<void>;
  /** Releases connections (the shared store); the file store has none. */
  close(): Promise<void>;
}

export interface StateStoreOptions {
  keepModelVersions?: number;
  now?: () => number;
}

export const DEFAULT_KEEP_VERSIONS = 5;

/** Keeps the newest `keep` versions (by number), and always the current one; oldest first. */
export function prunedVersions(versions: ModelVersion[], current: number, keep: number): ModelVersion[] {
  const sorted = [...versions].sort((a, b) => a.version - b.version);
  const newest = new Set(sorted.slice(-keep).map((v) => v.version));
  return sorted.filter((v) => newest.has(v.version) || v.version === current);
}

/** A collection kind names a folder or a Redis key part: a short lower-case word. */
export function checkCollectionKind(kind: string): string {
  if (!/^[a-z][a-z-]{0,63}$/.test(kind) || kind === 'models')
    throw new Error(`invalid collection kind "${kind}"`);
  return kind;
}
