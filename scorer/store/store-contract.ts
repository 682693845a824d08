/**
 * The contract every StateStore keeps, run by `store.test.ts` (files) and `redis-store.test.ts`
 * (Redis) against their own backend: the same tests, so both stores behave the same.
 */
import { z } from 'zod';
import {
  CorruptRecordError,
  InvalidIdError,
  type StateStore,
  type StateStoreOptions,
  UnknownVersionError,
} from '.';

export interface StoreBackend {
  /** Opens a store on this test's state (a second call: the same state, as after a restart). */
  open(options?: StateStoreOptions): Promise<StateStore>;
  /**
   * Stores that write the same state at once: separate replicas for Redis; for the file store
   * (one writer per DATA_DIR) the same instance twice.
   */
  writers(options?: StateStoreOptions): Promise<[StateStore, StateStore]>;
  /** Overwrites a record's stored text, as a hand edit or another version would. */
  writeRaw(orgId: number, kind: string, id: string, text: string): Promise<void>;
  /** Overwrites the stored bytes of one model version. */
  corruptBlob(orgId: number, id: string, version: number): Promise<void>;
  /** The versions whose bytes are stored for a model (pruned ones must be gone). */
  storedBlobVersions(orgId: number, id: string): Promise<number[]>;
}

const recordSchema = z.object({ name: z.string(), count: z.number().int().default(0) });
const bytes = (text: string) => new TextEncoder().encode(text);
const decode = (data: Uint8Array | undefined) => new TextDecoder().decode(data);

export function describeStoreContract(name: string, backend: () => StoreBackend): void {
  describe(`${name}: JSON collections`, () => {
    it('puts, gets, lists and deletes records, validating them with the schema', async () => {
      const store = await backend().open();
      const detectors = store.collection('detectors', recordSchema);
      expect(await detectors.put(1, 'mem', { name: 'Memory', count: 2 })).toEqual({
        name: 'Memory',
        count: 2,
      });
      expect(await detectors.put(1, 'cpu', { name: 'CPU' })).toEqual({ name: 'CPU', count: 0 });
      expect(await detectors.get(1, 'cpu')).toEqual({ name: 'CPU', count: 0 });
      expect(await detectors.list(1)).toEqual([
        { name: 'CPU', count: 0 },
        { name: 'Memory', count: 2 },
      ]);
      expect(await detectors.delete(1, 'cpu')).toBe(true);
      expect(await detectors.delete(1, 'cpu')).toBe(false);
      expect(await detectors.get(1, 'cpu')).toBeNull();
      await expect(detectors.put(1, 'bad', { name: 3 } as never)).rejects.toThrow(z.ZodError);
      expect(await detectors.get(1, 'bad')).toBeNull();
    });

    it('keeps orgs apart, and lists the orgs that have state', async () => {
      const store = await backend().open();
      const jobs = store.collection('jobs', recordSchema);
      await jobs.put(1, 'same-id', { name: 'org one' });
      await jobs.put(2, 'same-id', { name: 'org two' });
      expect(await jobs.get(1, 'same-id')).toMatchObject({ name: 'org one' });
      expect(await jobs.get(2, 'same-id')).toMatchObject({ name: 'org two' });
      expect(await jobs.list(3)).toEqual([]);
      expect(await store.models.list(2)).toEqual([]);
      await store.models.saveVersion(7, { id: 'm', key: 'k', detector: 'x' }, bytes('w'));
      expect(await store.orgIds()).toEqual([1, 2, 7]);
    });

    it.each(['', '.', '..', '../escape', 'a/b', 'a\\b', '-lead', 'x.tmp-1', 'sp ace', 'é', 'x'.repeat(129)])(
      'refuses the record id %j',
      async (id) => {
        const store = await backend().open();
        const jobs = store.collection('jobs', recordSchema);
        await expect(jobs.put(1, id, { name: 'x' })).rejects.toThrow(InvalidIdError);
        await expect(jobs.get(1, id)).rejects.toThrow(InvalidIdError);
        await expect(store.models.get(1, id)).rejects.toThrow(InvalidIdError);
      },
    );

    it('reports a record edited into something invalid instead of returning it', async () => {
      const b = backend();
      const store = await b.open();
      const jobs = store.collection('jobs', recordSchema);
      await jobs.put(1, 'j', { name: 'ok' });
      await b.writeRaw(1, 'jobs', 'j', '{"name": 42}');
      await expect(jobs.get(1, 'j')).rejects.toThrow(CorruptRecordError);
      await b.writeRaw(1, 'jobs', 'j', '{"name": ');
      await expect(jobs.get(1, 'j')).rejects.toThrow(/not valid JSON/);
    });

    it('takes a write for readiness', async () => {
      await expect((await backend().open()).checkWritable()).resolves.toBeUndefined();
    });
  });

  describe(`${name}: model registry`, () => {
    const input = { id: 'cpu-host-a', key: 'series:cpu|robust', detector: 'robust', labels: { name: 'cpu' } };

    it('versions models, loads the current or a given version, rolls back and forward', async () => {
      const store = await backend().open();
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
      expect((await store.models.get(1, input.id))?.currentVersion).toBe(1);
      expect(decode((await store.models.load(1, input.id))?.bytes)).toBe('one');
      expect((await store.models.rollback(1, input.id, 2)).currentVersion).toBe(2);
      await expect(store.models.rollback(1, input.id, 9)).rejects.toThrow(UnknownVersionError);
      await expect(store.models.rollback(1, 'missing', 1)).rejects.toThrow(/does not exist/);
      expect((await store.models.findByKey(1, input.key))?.id).toBe(input.id);
      expect(await store.models.findByKey(2, input.key)).toBeNull();
      expect((await store.models.list(1)).map((m) => m.id)).toEqual([input.id]);
    });

    it('keeps the newest versions plus the current one, and deletes pruned bytes', async () => {
      const b = backend();
      const store = await b.open({ keepModelVersions: 2 });
      for (const text of ['v1', 'v2', 'v3']) await store.models.saveVersion(1, input, bytes(text));
      await store.models.rollback(1, input.id, 2);
      const record = await store.models.saveVersion(1, input, bytes('v4'));
      expect(record.versions.map((v) => v.version)).toEqual([3, 4]);
      expect(await b.storedBlobVersions(1, input.id)).toEqual([3, 4]);
    });

    it('detects bytes that do not match their checksum', async () => {
      const b = backend();
      const store = await b.open();
      await store.models.saveVersion(1, input, bytes('good'));
      await b.corruptBlob(1, input.id, 1);
      await expect(store.models.load(1, input.id)).rejects.toThrow(CorruptRecordError);
    });

    it('deletes a model with all its versions; a new one starts at version 1', async () => {
      const b = backend();
      const store = await b.open();
      await store.models.saveVersion(1, input, bytes('x'));
      await store.models.saveVersion(1, input, bytes('y'));
      expect(await store.models.delete(1, input.id)).toBe(true);
      expect(await store.models.get(1, input.id)).toBeNull();
      expect(await store.models.load(1, input.id)).toBeNull();
      expect(await store.models.findByKey(1, input.key)).toBeNull();
      expect(await b.storedBlobVersions(1, input.id)).toEqual([]);
      expect(await store.models.delete(1, input.id)).toBe(false);
      expect((await store.models.saveVersion(1, input, bytes('z'))).currentVersion).toBe(1);
    });
  });

  describe(`${name}: durability and concurrency`, () => {
    it('a restart (new instance on the same state) loses nothing', async () => {
      const b = backend();
      const first = await b.open();
      const jobs = first.collection('jobs', recordSchema);
      await jobs.put(4, 'job-1', { name: 'train', count: 3 });
      await first.models.saveVersion(4, { id: 'm', key: 'k', detector: 'lstm' }, bytes('w1'));
      await first.models.saveVersion(4, { id: 'm', key: 'k', detector: 'lstm' }, bytes('w2'));
      await first.models.rollback(4, 'm', 1);

      const second = await b.open();
      expect(await second.collection('jobs', recordSchema).get(4, 'job-1')).toEqual({
        name: 'train',
        count: 3,
      });
      const model = await second.models.load(4, 'm');
      expect(model?.record.currentVersion).toBe(1);
      expect(decode(model?.bytes)).toBe('w1');
      expect(decode((await second.models.load(4, 'm', 2))?.bytes)).toBe('w2');
      expect(await second.orgIds()).toEqual([4]);
    });

    it('concurrent updates of one record are serialised: no lost update, no torn record', async () => {
      const writers = await backend().writers();
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          writers[i % 2]!.collection('checkpoints', recordSchema).update(1, 'counter', (current) => ({
            name: 'counter',
            count: (current?.count ?? 0) + 1,
          })),
        ),
      );
      expect(await writers[0].collection('checkpoints', recordSchema).get(1, 'counter')).toEqual({
        name: 'counter',
        count: 100,
      });
    });

    it('concurrent writes and reads of large records only ever see whole records', async () => {
      const writers = await backend().writers();
      const records = writers.map((w) => w.collection('jobs', recordSchema));
      const names = Array.from({ length: 30 }, (_, i) => String(i % 10).repeat(100_000 + i));
      await records[0]!.put(1, 'big', { name: names[0]! });
      const seen = await Promise.all([
        ...names.map((name, i) => records[i % 2]!.put(1, 'big', { name }).then(() => null)),
        ...names.map((_, i) => records[(i + 1) % 2]!.get(1, 'big')),
      ]);
      for (const record of seen) if (record) expect(names).toContain(record.name);
      expect(names).toContain((await records[0]!.get(1, 'big'))?.name);
    });

    it('concurrent model saves get distinct versions that all load', async () => {
      const writers = await backend().writers({ keepModelVersions: 50 });
      const saved = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          writers[i % 2]!.models.saveVersion(1, { id: 'm', key: 'k', detector: 'x' }, bytes(`w${i}`)),
        ),
      );
      expect(saved.map((r) => r.currentVersion).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      const record = await writers[0].models.get(1, 'm');
      expect(record?.versions.map((v) => v.version)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      for (let version = 1; version <= 20; version++) {
        expect(decode((await writers[1].models.load(1, 'm', version))?.bytes)).toMatch(/^w\d+$/);
      }
    });
  });
}
