import { execFile } from 'node:child_process';
import fsPromises, { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A directory on a disk that a test can fill up and free again. */
export interface TinyDisk {
  readonly dir: string;
  /** A real tmpfs of the given size; false when mounting was not permitted (ENOSPC is injected). */
  readonly real: boolean;
  /** Uses up every free byte: writes then fail with ENOSPC. */
  fill(): Promise<void>;
  free(): Promise<void>;
  close(): Promise<void>;
}

const FILLER = 'filler';

async function mountTmpfs(dir: string, bytes: number): Promise<boolean> {
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${Math.ceil(bytes / 1024)}k,mode=0700`, 'tmpfs', dir]);
    return true;
  } catch {
    return false;
  }
}

function enospc(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), {
    code: 'ENOSPC',
    errno: -28,
    syscall: 'write',
    path,
  });
}

/**
 * Without the privilege to mount, a full disk is imitated at the fs boundary the store writes
 * through (`fs/promises.open`): files under `dir` are still created, as on a full tmpfs, and
 * writing to them fails with ENOSPC.
 */
function injectFullDisk(dir: string, isFull: () => boolean) {
  const realOpen = open;
  return jest.spyOn(fsPromises, 'open').mockImplementation((async (...args: Parameters<typeof open>) => {
    const handle = await realOpen(...args);
    const [path, flags] = args;
    const inside = !relative(dir, String(path)).startsWith('..');
    if (!isFull() || !inside || !String(flags ?? 'r').includes('w')) return handle;
    return new Proxy(handle, {
      get(target, name, receiver) {
        if (name === 'writeFile' || name === 'write') return () => Promise.reject(enospc(String(path)));
        const value = Reflect.get(target, name, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }) as typeof open);
}

/** A `bytes`-sized disk: a real tmpfs when this process may mount one (root), else imitated. */
export async function startTinyDisk(bytes: number): Promise<TinyDisk> {
  const dir = await mkdtemp(join(tmpdir(), 'tidemark-tiny-disk-'));
  const real = process.env.TIDEMARK_TEST_NO_MOUNT !== '1' && (await mountTmpfs(dir, bytes));
  let full = false;
  const spy = real ? null : injectFullDisk(dir, () => full);
  const filler = join(dir, FILLER);
  return {
    dir,
    real,
    async fill() {
      full = true;
      if (!real) return;
      await writeFile(filler, Buffer.alloc(bytes * 2)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOSPC') throw error;
      });
    },
    async free() {
      full = false;
      await rm(filler, { force: true });
    },
    async close() {
      spy?.mockRestore();
      if (real) await run('umount', [dir]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
