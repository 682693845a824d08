import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { openStateStore } from '.';
import { describeStoreContract } from './store-contract';

const recordSchema = z.object({ name: z.string(), count: z.number().int().default(0) });
let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tidemark-store-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

const bytes = (text: string) => new TextEncoder().encode(text);
const decode = (data: Uint8Array | undefined) => new TextDecoder().decode(data);
const modelDir = (orgId: number, id: string) => join(dataDir, 'orgs', String(orgId), 'models', id);

describeStoreContract('file store', () => ({
  open: (options) => openStateStore(dataDir, options),
  writers: async (options) => {
    const store = await openStateStore(dataDir, options);
    return [store, store];
  },
  writeRaw: (orgId, kind, id, text) =>
    writeFile(join(dataDir, 'orgs', String(orgId), kind, `${id}.json`), text),
  corruptBlob: (orgId, id, version) =>
    writeFile(join(modelDir(orgId, id), `v${String(version).padStart(6, '0')}.bin`), 'evil'),
  storedBlobVersions: async (orgId, id) => {
    const names = await readdir(modelDir(orgId, id)).catch(() => []);
    return names
      .filter((n) => n.endsWith('.bin'))
      .map((n) => Number(n.slice(1, -4)))
      .sort((a, b) => a - b);
  },
}));

const children: Array<ReturnType<typeof spawn>> = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

describe('file store: crashes', () => {
  it('a crash mid-write (leftover temp file) leaves the previous version readable, and start-up cleans it', async () => {
    const store = await openStateStore(dataDir);
    const jobs = store.collection('jobs', recordSchema);
    await jobs.put(1, 'job', { name: 'before', count: 1 });
    await store.models.saveVersion(1, { id: 'm', key: 'k', detector: 'x' }, bytes('v1'));
    // What a crash leaves: half-written temp files, and a new blob whose metadata never landed.
    await writeFile(join(dataDir, 'orgs/1/jobs/job.json.tmp-deadbeef0000'), '{"name": "aft');
    await writeFile(join(dataDir, 'orgs/1/models/m/model.json.tmp-deadbeef0001'), '{"id":');
    await writeFile(join(dataDir, 'orgs/1/models/m/v000002.bin'), 'half');

    expect(await jobs.get(1, 'job')).toEqual({ name: 'before', count: 1 });
    expect(await jobs.list(1)).toEqual([{ name: 'before', count: 1 }]);
    const reopened = await openStateStore(dataDir);
    expect(reopened.recoveredTempFiles).toBe(2);
    expect(decode((await reopened.models.load(1, 'm'))?.bytes)).toBe('v1');
    const next = await reopened.models.saveVersion(1, { id: 'm', key: 'k', detector: 'x' }, bytes('v2'));
    expect(next.currentVersion).toBe(2);
    expect(decode((await reopened.models.load(1, 'm'))?.bytes)).toBe('v2');
  });

  it('a writer killed with SIGKILL mid-write leaves every record whole', async () => {
    for (let round = 0; round < 3; round++) {
      // One process (node with tsx's loader), so SIGKILL hits the writer itself.
      const script = join(__dirname, '../test/crash-writer.ts');
      const child = spawn(process.execPath, ['--import', 'tsx', script, dataDir], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
        child.on('exit', (code) => reject(new Error(`crash writer exited early with ${code}`)));
      });
      await new Promise((resolve) => setTimeout(resolve, 50 + round * 70));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));

      const store = await openStateStore(dataDir);
      const records = store.collection('checkpoints', z.object({ n: z.number(), payload: z.string() }));
      const busy = await records.get(1, 'busy');
      expect(busy?.payload).toBe(String((busy?.n ?? 0) % 10).repeat(256 * 1024));
      for (const record of await records.list(1)) expect(record.payload).toHaveLength(256 * 1024);
      const model = await store.models.load(1, 'm'); // checksum-verified
      expect(model?.bytes.byteLength).toBe(256 * 1024);
    }
  }, 60_000);
});
