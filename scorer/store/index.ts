import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FileJsonCollection } from './collection';
import type { StateStore, StateStoreOptions } from './contract';
import { KeyedMutex, listNames, removeLeftoverTempFiles, writeFileAtomic } from './files';
import { FileModelRegistry } from './models';

export * from './collection';
export * from './contract';
export { KeyedMutex, StorageFullError, writeFileAtomic } from './files';
export * from './models';
export * from './paths';

/** Opens (creating) the file store under `dataDir` and cleans what an interrupted write left. */
export async function openStateStore(dataDir: string, options: StateStoreOptions = {}): Promise<StateStore> {
  await mkdir(join(dataDir, 'orgs'), { recursive: true });
  const recoveredTempFiles = await removeLeftoverTempFiles(dataDir);
  const models = new FileModelRegistry(dataDir, {
    ...(options.keepModelVersions !== undefined ? { keepVersions: options.keepModelVersions } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const writes = new KeyedMutex();
  return {
    location: 'DATA_DIR',
    models,
    recoveredTempFiles,
    collection: (kind, schema) => new FileJsonCollection(dataDir, kind, schema, writes),
    async orgIds() {
      const names = await listNames(join(dataDir, 'orgs'));
      return names.filter((name) => /^\d+$/.test(name)).map(Number);
    },
    async checkWritable() {
      const probe = join(dataDir, '.ready-probe');
      await writeFileAtomic(probe, String(Date.now()));
      await rm(probe);
    },
    close: async () => {},
  };
}
