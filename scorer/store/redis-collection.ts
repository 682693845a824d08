import type { z } from 'zod';
import { execAll, type RedisConnection } from '../cluster/redis';
import { parseRecord } from './collection';
import { checkCollectionKind, type JsonCollection } from './contract';
import { KeyedMutex } from './files';
import { checkRecordId } from './paths';
import { HASH_CAS_SCRIPT, type RedisKeys } from './redis-keys';

/** The most times `update` retries when other replicas keep changing the record. */
const MAX_CAS_ATTEMPTS = 50;

/** A short random pause before trying a compare-and-set again, so contending replicas spread out. */
const casBackoff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));

/**
 * Runs `attempt` (a read and a compare-and-set) until it returns a result, not `undefined` (another
 * replica changed the record in between), at most MAX_CAS_ATTEMPTS times; `what` names the record.
 */
export async function untilWritten<T>(what: string, attempt: () => Promise<T | undefined>): Promise<T> {
  for (let tries = 0; tries < MAX_CAS_ATTEMPTS; tries++) {
    if (tries > 0) await casBackoff(tries);
    const result = await attempt();
    if (result !== undefined) return result;
  }
  throw new Error(`${what} kept changing: gave up after ${MAX_CAS_ATTEMPTS} attempts`);
}

/**
 * A JSON collection in the shared Redis: one hash per org and kind, a record per field. Puts and
 * gets are single commands (atomic per record); `update` is a compare-and-set loop, so replicas
 * updating one record never lose each other's writes.
 */
export class RedisJsonCollection<S extends z.ZodType> implements JsonCollection<S> {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: RedisKeys,
    readonly kind: string,
    private readonly schema: S,
    /** The store's own: updates within this replica queue up instead of contending. */
    private readonly mutex = new KeyedMutex(),
  ) {
    checkCollectionKind(kind);
  }

  private where(orgId: number, id: string) {
    return `the ${this.kind} record ${id} of org ${orgId} in Redis`;
  }

  private parse(orgId: number, id: string, text: string | null): z.output<S> | null {
    return text === null ? null : parseRecord(text, this.schema, this.kind, this.where(orgId, id));
  }

  async get(orgId: number, id: string): Promise<z.output<S> | null> {
    const key = this.keys.collection(orgId, this.kind);
    checkRecordId(id);
    return this.parse(orgId, id, await this.redis.run((c) => c.hget(key, id)));
  }

  async list(orgId: number): Promise<Array<z.output<S>>> {
    const key = this.keys.collection(orgId, this.kind);
    const all = await this.redis.run((c) => c.hgetall(key));
    return Object.keys(all)
      .sort()
      .map((id) => this.parse(orgId, id, all[id] ?? null) as z.output<S>);
  }

  async put(orgId: number, id: string, value: z.input<S>): Promise<z.output<S>> {
    const key = this.keys.collection(orgId, this.kind);
    checkRecordId(id);
    const parsed = this.schema.parse(value);
    await this.redis.run((c) =>
      execAll(c.multi().hset(key, id, JSON.stringify(parsed)).sadd(this.keys.orgs, String(orgId))),
    );
    return parsed;
  }

  async update(
    orgId: number,
    id: string,
    change: (current: z.output<S> | null) => z.input<S> | undefined | Promise<z.input<S> | undefined>,
  ): Promise<z.output<S> | null> {
    const key = this.keys.collection(orgId, this.kind);
    checkRecordId(id);
    return this.mutex
      .run(`${this.kind}/${orgId}/${id}`, () =>
        untilWritten(this.where(orgId, id), async () => {
          const text = await this.redis.run((c) => c.hget(key, id));
          const current = this.parse(orgId, id, text);
          const next = await change(current);
          if (next === undefined) return { value: current };
          const parsed = this.schema.parse(next);
          const json = JSON.stringify(parsed);
          const written = await this.redis.run((c) =>
            c.eval(HASH_CAS_SCRIPT, 2, key, this.keys.orgs, id, text ?? '', json, String(orgId)),
          );
          return written === 1 ? { value: parsed } : undefined;
        }),
      )
      .then(({ value }) => value);
  }

  async delete(orgId: number, id: string): Promise<boolean> {
    const key = this.keys.collection(orgId, this.kind);
    checkRecordId(id);
    return (await this.redis.run((c) => c.hdel(key, id))) === 1;
  }
}
