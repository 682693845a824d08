import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { JsonCollection } from './collection';
import { listNames, removeLeftoverTempFiles, writeFileAtomic } from './files';
import { ModelRegistry } from './models';

export * from './collection';
export { KeyedMutex, StorageFullError, writeFileAtomic } from './files';
export * from './models';
export * from './paths';

/** The scorer's embedded state: models, plus JSON collections (detectors, jobs, checkpoints). */
export interface StateStore {
  readonly dataDir: string;
  readonly models: ModelRegistry;
  /** Temp files a crash had left behind, removed when the store was opened. */
  readonly recoveredTempFiles: number;
  collection<S extends z.ZodType>(kind: string, schema: S): JsonCollection<S>;
  /** Orgs that have any stored state. */
  orgIds(): Promise<number[]>;
  /** Throws unless a file can be written atomically and removed (for `/readyz`). */
  checkWritable(): Promise<void>;
}

export interface StateStoreOptions {
  keepModelVersions?: number;
  now?: () => number;
}

/** Opens (creating) the store under `dataDir` and cleans what an interrupted write left. */
export async function openStateStore(dataDir: string, options: StateStoreOptions = {}): Promise<StateStore> {
  await mkdir(join(dataDir, 'orgs'), { recursive: true });
  const recoveredTempFiles = await removeLeftoverTempFiles(dataDir);
  const models = new ModelRegistry(dataDir, {
    ...(options.keepModelVersions !== undefined ? { keepVersions: options.keepModelVersions } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    dataDir,
    models,
    recoveredTempFiles,
    collection: (kind, schema) => new JsonCollection(dataDir, kind, schema),
    async orgIds() {
      const names = await listNames(join(dataDir, 'orgs'));
      return names.filter((name) => /^\d+$/.test(name)).map(Number);
    },
    async checkWritable() {
      const probe = join(dataDir, '.ready-probe');
      await writeFileAtomic(probe, String(Date.now()));
      await rm(probe);
    },
  };
}
