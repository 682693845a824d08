import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Temp files are `<name>.tmp-<random>`; anything with this marker is never a record. */
export const TEMP_MARKER = '.tmp-';

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The volume holding DATA_DIR is full (ENOSPC) or the user's quota is used up (EDQUOT). */
export class StorageFullError extends Error {
  override readonly name = 'StorageFullError';

  constructor(
    /** The file that could not be written (for logs; the message leaves server paths out). */
    readonly path: string,
    code: string,
    options?: { cause?: unknown },
  ) {
    super(`no space left on the disk of DATA_DIR (${code}): nothing was saved until space is freed`, options);
  }
}

const FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);

/** A write's error, as StorageFullError when the disk is full. */
function storageError(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (!code || !FULL_CODES.has(code)) return error;
  return new StorageFullError(path, code, { cause: error });
}

/**
 * Replaces `path` with `data` so a reader (or a restart after a crash) sees either the old or
 * the new content, never a mix: write a temp file beside it, fsync it, rename over, fsync the dir.
 * A write that fails removes its temp file (a full disk otherwise fills up with empty ones).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  const temp = `${path}${TEMP_MARKER}${randomBytes(6).toString('hex')}`;
  try {
    await mkdir(dir, { recursive: true });
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw storageError(error, path);
  }
  await syncDirectory(dir);
}

export async function readFileOrNull(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Names of entries in `dir` (none if it does not exist), temp files excluded. */
export async function listNames(dir: string): Promise<string[]> {
  try {
    const names = await readdir(dir);
    return names.filter((name) => !name.includes(TEMP_MARKER)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Deletes temp files left by a crash mid-write, anywhere under `root`. Returns how many. */
export async function removeLeftoverTempFiles(root: string): Promise<number> {
  let removed = 0;
  let entries: Array<{ name: string; isDirectory(): boolean }>;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  for (const entry of entries) {
    const path = join(root, entry.name);
    if (entry.name.includes(TEMP_MARKER)) {
      await rm(path, { recursive: true, force: true });
      removed++;
    } else if (entry.isDirectory()) {
      removed += await removeLeftoverTempFiles(path);
    }
  }
  return removed;
}

/**
 * Deletes a directory so that it vanishes in one step (rename to a temp name, then remove):
 * a crash halfway leaves a temp directory that start-up cleans, not a half-deleted record.
 */
export async function removeDirectoryAtomic(dir: string): Promise<boolean> {
  const doomed = `${dir}${TEMP_MARKER}${randomBytes(6).toString('hex')}`;
  try {
    await rename(dir, doomed);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  await syncDirectory(dirname(dir));
  await rm(doomed, { recursive: true, force: true });
  return true;
}

/** Serialises async work per key (read-modify-write of one record) within this process. */
export class KeyedMutex {
  private tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.catch(() => undefined).then(work);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
