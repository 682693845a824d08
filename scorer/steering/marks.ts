import { randomBytes } from 'node:crypto';
import { type Mark, type MarkInput, markInputSchema, markSchema } from '@tidemark/core';
import { ProblemError } from '../http/problem';
import type { StateStore } from '../store';

export interface MarkFilter {
  detector?: string | undefined;
  series?: string | undefined;
  /** Marks overlapping [from, to). */
  from?: number | undefined;
  to?: number | undefined;
}

export interface MarkServiceOptions {
  store: StateStore;
  /** Throws the 404 when the org has no such detector. */
  checkDetector: (orgId: number, id: string) => Promise<unknown>;
  now?: () => number;
}

const newMarkId = () => `mark-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;

/** Marks on a detector's series ("not an anomaly", "missed"), stored per org. */
export class MarkService {
  private readonly marks;

  constructor(private readonly options: MarkServiceOptions) {
    this.marks = options.store.collection('marks', markSchema);
  }

  async create(orgId: number, input: MarkInput, createdBy: string | null): Promise<Mark> {
    const parsed = markInputSchema.parse(input);
    await this.options.checkDetector(orgId, parsed.detector);
    const id = newMarkId();
    return this.marks.put(orgId, id, {
      id,
      ...parsed,
      createdAt: this.options.now?.() ?? Date.now(),
      createdBy,
    });
  }

  /** The org's marks matching `filter`, oldest first. */
  async list(orgId: number, filter: MarkFilter = {}): Promise<Mark[]> {
    const { detector, series, from, to } = filter;
    return (await this.marks.list(orgId))
      .filter(
        (m) =>
          (detector === undefined || m.detector === detector) &&
          (series === undefined || m.series === series) &&
          (from === undefined || m.to >= from) &&
          (to === undefined || m.from < to),
      )
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  async get(orgId: number, id: string): Promise<Mark> {
    const mark = await this.marks.get(orgId, id);
    if (!mark) throw notFound(id);
    return mark;
  }

  async remove(orgId: number, id: string): Promise<void> {
    if (!(await this.marks.delete(orgId, id))) throw notFound(id);
  }
}

const notFound = (id: string) =>
  new ProblemError({
    status: 404,
    slug: 'not-found',
    title: 'Not found',
    detail: `There is no mark "${id}" in this org.`,
  });
