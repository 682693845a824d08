import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { CorruptRecordError, InvalidIdError, openStateStore, UnknownVersionError } from '.';

const recordSchema = z.object({ name: z.string(), count: z.number().int().default(0) });
let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tidemark-store-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

const bytes = (text: string) => new TextEncoder().encode(text);
const decode = (data: Uint8Array | undefined) => new TextDecoder().decode(data);

describe('JSON collections', () => {
  it('puts, gets, lists and deletes records, validating them with the schema', async () => {
    const store = await openStateStore(dataDir);
    const detectors = store.collection('detectors', recordSchema);
    expect(await detectors.put(1, 'cpu', { name: 'CPU' })).toEqual({ name: 'CPU', count: 0 });
    await detectors.put(1, 'mem', { name: 'Memory', count: 2 });
    expect(await detectors.get(1, 'cpu')).toEqual({ name: 'CPU', count: 0 });
    expect(await detectors.list(1)).toEqual([
      { name: 'CPU', count: 0 },
      { name: 'Memory', count: 2 },
    ]);
    expect(await detectors.delete(1, 'cpu')).toBe(true);
    expect(await detectors.delete(1, 'cpu')).toBe(false);
    expect(await detectors.get(1, 'cpu')).toBeNull();
    await expect(detectors.put(1, 'bad', { name: 3 } as never)).rejects.toThrow(z.ZodError);
  });

  it('keeps orgs apart', async () => {
    const store = await openStateStore(dataDir);
    const jobs = store.collection('jobs', recordSchema);
    await jobs.put(1, 'same-id', { name: 'org one' });
    await jobs.put(2, 'same-id', { name: 'org two' });
    expect(await jobs.get(1, 'same-id')).toMatchObject({ name: 'org one' });
    expect(await jobs.get(2, 'same-id')).toMatchObject({ name: 'org two' });
    expect(await jobs.list(3)).toEqual([]);
    expect(await store.models.list(2)).toEqual([]);
  });

  it.each(['', '.', '..', '../escape', 'a/b', 'a\\b', '-lead', 'x.tmp-1', 'sp ace', 'é', 'x'.repeat(129)])(
    'refuses the record id %j',
    async (id) => {
      const store = await openStateStore(dataDir);
      const jobs = store.collection('jobs', recordSchema);
      await expect(jobs.put(1, id, { name: 'x' })).rejects.toThrow(InvalidIdError);
      await expect(jobs.get(1, id)).rejects.toThrow(InvalidIdError);
      await expect(store.models.get(1, id)).rejects.toThrow(InvalidIdError);
    },
  );

  it('reports a record edited into something invalid instead of returning it', async () => {
    const store = await openStateStore(dataDir);
    const jobs = store.collection('jobs', recordSchema);
    await jobs.put(1, 'j', { name: 'ok' });
    await writeFile(join(dataDir, 'orgs/1/jobs/j.json'), '{"name": 42}');
    await expect(jobs.get(1, 'j')).rejects.toThrow(CorruptRecordError);
    await writeFile(join(dataDir, 'orgs/1/jobs/j.json'), '{"name": ');
    await expect(jobs.get(1, 'j')).rejects.toThrow(/not valid JSON/);
  });
});

describe('model registry', () => {
  const input = { id: 'cpu-host-a', key: 'series:cpu|robust', detector: 'robust', labels: { name: 'cpu' } };

  it('versions models, loads the current or a given version, rolls back and forward', async () => {
    const store = await openStateStore(dataDir);
    await store.models.saveVersion(1, { ...input, info: { trainedPoints: 10 } }, bytes('one'));
    const second = await store.models.saveVersion(1, { ...input, createdBy: 'user:1' }, bytes('two'));
    expect(second).toMatchObject({ currentVersion: 2, labels: { name: 'cpu' } });
    expect(second.versions.map((v) => [v.version, v.sizeBytes, v.createdBy])).toEqual([
      [1, 3, null],
      [2, 3, 'user:1'],
    ]);
    expect(decode((await store.models.load(1, input.id))?.bytes)).toBe('two');
    expect(decode((await store.models.load(1, input.id, 1))?.bytes)).toBe('one');

    expect((await store.models.rollback(1, input.id, 1)).currentVersion).toBe(1);
    expect(decode((await store.models.load(1, input.id))?.bytes)).toBe('one');
    expect((await store.models.rollback(1, input.id, 2)).currentVersion).toBe(2);
    await expect(store.models.rollback(1, input.id, 9)).rejects.toThrow(UnknownVersionError);
    await expect(store.models.rollback(1, 'missing', 1)).rejects.toThrow(/does not exist/);
    expect((await store.models.findByKey(1, input.key))?.id).toBe(input.id);
    expect(await store.models.findByKey(2, input.key)).toBeNull();
  });

  it('keeps the newest versions plus the current one, and deletes pruned blobs', async () => {
    const store = await openStateStore(dataDir, { keepModelVersions: 2 });
    for (const text of ['v1', 'v2', 'v3']) await store.models.saveVersion(1, input, bytes(text));
    await store.models.rollback(1, input.id, 2);
    const record = await store.models.saveVersion(1, input, bytes('v4'));
    expect(record.versions.map((v) => v.version)).toEqual([3, 4]);
    const files = await readdir(join(dataDir, 'orgs/1/models', input.id));
    expect(files.sort()).toEqual(['model.json', 'v000003.bin', 'v000004.bin']);
  });

  it('detects a blob that does not match its checksum', async () => {
    const store = await openStateStore(dataDir);
    await store.models.saveVersion(1, input, bytes('good'));
    await writeFile(join(dataDir, 'orgs/1/models', input.id, 'v000001.bin'), 'evil');
    await expect(store.models.load(1, input.id)).rejects.toThrow(CorruptRecordError);
  });

  it('deletes a model with all its versions', async () => {
    const store = await openStateStore(dataDir);
    await store.models.saveVersion(1, input, bytes('x'));
    expect(await store.models.delete(1, input.id)).toBe(true);
    expect(await store.models.get(1, input.id)).toBeNull();
    expect(await store.models.load(1, input.id)).toBeNull();
    expect(existsSync(join(dataDir, 'orgs/1/models', input.id))).toBe(false);
    expect(await store.models.delete(1, input.id)).toBe(false);
  });
});

const children: Array<ReturnType<typeof spawn>> = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

describe('durability', () => {
  it('a restart (new instance on the same dir) loses nothing', async () => {
    const first = await openStateStore(dataDir);
    const jobs = first.collection('jobs', recordSchema);
    await jobs.put(4, 'job-1', { name: 'train', count: 3 });
    await first.models.saveVersion(4, { id: 'm', key: 'k', detector: 'lstm' }, bytes('w1'));
    await first.models.saveVersion(4, { id: 'm', key: 'k', detector: 'lstm' }, bytes('w2'));
    await first.models.rollback(4, 'm', 1);

    const second = await openStateStore(dataDir);
    expect(await second.collection('jobs', recordSchema).get(4, 'job-1')).toEqual({
      name: 'train',
      count: 3,
    });
    const model = await second.models.load(4, 'm');
    expect(model?.record.currentVersion).toBe(1);
    expect(decode(model?.bytes)).toBe('w1');
    expect(decode((await second.models.load(4, 'm', 2))?.bytes)).toBe('w2');
  });

  it('concurrent updates of one record are serialised: no lost update, no torn file', async () => {
    const store = await openStateStore(dataDir);
    const counters = store.collection('checkpoints', recordSchema);
    await Promise.all(
      Array.from({ length: 100 }, () =>
        counters.update(1, 'counter', (current) => ({ name: 'counter', count: (current?.count ?? 0) + 1 })),
      ),
    );
    expect(await counters.get(1, 'counter')).toEqual({ name: 'counter', count: 100 });
  });

  it('concurrent writes and reads of large records only ever see whole records', async () => {
    const store = await openStateStore(dataDir);
    const records = store.collection('jobs', recordSchema);
    const names = Array.from({ length: 30 }, (_, i) => String(i % 10).repeat(100_000 + i));
    await records.put(1, 'big', { name: names[0]! });
    const seen = await Promise.all([
      ...names.map((name) => records.put(1, 'big', { name }).then(() => null)),
      ...names.map(() => records.get(1, 'big')),
    ]);
    for (const record of seen) if (record) expect(names).toContain(record.name);
    expect(names).toContain((await records.get(1, 'big'))?.name);
  });

  it('concurrent model saves get distinct versions that all load', async () => {
    const store = await openStateStore(dataDir, { keepModelVersions: 50 });
    const saved = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.models.saveVersion(1, { id: 'm', key: 'k', detector: 'x' }, bytes(`w${i}`)),
      ),
    );
    expect(saved.map((r) => r.currentVersion).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    for (let version = 1; version <= 20; version++) {
      expect(decode((await store.models.load(1, 'm', version))?.bytes)).toMatch(/^w\d+$/);
    }
  });

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
