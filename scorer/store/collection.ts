import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { checkCollectionKind, type JsonCollection } from './contract';
import { KeyedMutex, listNames, readFileOrNull, writeFileAtomic } from './files';
import { checkRecordId, orgDir } from './paths';

/** A stored record failed its schema: the file was edited by hand or written by another version. */
export class CorruptRecordError extends Error {
  override readonly name = 'CorruptRecordError';
}

const SUFFIX = '.json';

/**
 * Reads one JSON record and validates it with `schema`: null if the file does not exist,
 * CorruptRecordError if it is not JSON or does not match (`kind` names the schema in the message).
 */
export async function readRecord<S extends z.ZodType>(
  path: string,
  schema: S,
  kind: string,
): Promise<z.output<S> | null> {
  const bytes = await readFileOrNull(path);
  return bytes === null ? null : parseRecord(bytes.toString('utf8'), schema, kind, path);
}

/** Parses and validates one stored record; `where` names it in the CorruptRecordError. */
export function parseRecord<S extends z.ZodType>(
  text: string,
  schema: S,
  kind: string,
  where: string,
): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CorruptRecordError(`${where} is not valid JSON`, { cause: error });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CorruptRecordError(`${where} does not match the ${kind} schema`);
  return parsed.data;
}

/**
 * One kind of record (detectors, jobs, checkpoints), one JSON file per record per org, each
 * written atomically and validated with its zod schema when read back.
 */
export class FileJsonCollection<S extends z.ZodType> implements JsonCollection<S> {
  constructor(
    private readonly dataDir: string,
    readonly kind: string,
    private readonly schema: S,
    /** The store's own: every instance of a kind serialises writes of a record through it. */
    private readonly mutex = new KeyedMutex(),
  ) {
    checkCollectionKind(kind);
  }

  private path(orgId: number, id: string): string {
    return join(orgDir(this.dataDir, orgId, this.kind), `${checkRecordId(id)}${SUFFIX}`);
  }

  async get(orgId: number, id: string): Promise<z.output<S> | null> {
    return readRecord(this.path(orgId, id), this.schema, this.kind);
  }

  async list(orgId: number): Promise<Array<z.output<S>>> {
    const names = await listNames(orgDir(this.dataDir, orgId, this.kind));
    const records = await Promise.all(
      names
        .filter((name) => name.endsWith(SUFFIX))
        .map((name) => this.get(orgId, name.slice(0, -SUFFIX.length))),
    );
    return records.filter((record) => record !== null) as Array<z.output<S>>;
  }

  async put(orgId: number, id: string, value: z.input<S>): Promise<z.output<S>> {
    return this.mutex.run(`${this.kind}/${orgId}/${id}`, () => this.write(orgId, id, value));
  }

  /** Read-modify-write, serialised per record within this process (the only writer). */
  async update(
    orgId: number,
    id: string,
    change: (current: z.output<S> | null) => z.input<S> | undefined | Promise<z.input<S> | undefined>,
  ): Promise<z.output<S> | null> {
    return this.mutex.run(`${this.kind}/${orgId}/${id}`, async () => {
      const current = await this.get(orgId, id);
      const next = await change(current);
      return next === undefined ? current : this.write(orgId, id, next);
    });
  }

  async delete(orgId: number, id: string): Promise<boolean> {
    return this.mutex.run(`${this.kind}/${orgId}/${id}`, async () => {
      const path = this.path(orgId, id);
      const existed = (await readFileOrNull(path)) !== null;
      await rm(path, { force: true });
      return existed;
    });
  }

  private async write(orgId: number, id: string, value: z.input<S>): Promise<z.output<S>> {
    const parsed = this.schema.parse(value);
    await writeFileAtomic(this.path(orgId, id), `${JSON.stringify(parsed, null, 2)}\n`);
    return parsed;
  }
}
