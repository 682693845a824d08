import {
  importModelRequestSchema,
  MODEL_FILE_MEDIA_TYPE,
  type ModelSummary,
  recordIdSchema,
  rollbackRequestSchema,
  seriesQuerySchema,
  trainRequestSchema,
} from '@tidemark/core';
import { decodeModel, EngineInputError } from '@tidemark/core/engine';
import { Hono } from 'hono';
import { z } from 'zod';
import { type AuthEnv, requireRole } from '../auth/middleware';
import type { AppDeps } from '../deps';
import { ProblemError } from '../http/problem';
import { validate } from '../http/validate';
import { type ModelRecord, UnknownVersionError } from '../store';
import { saveSeriesModel } from '../training/save-model';

const labelsSchema = z.object({
  series: z.string(),
  tags: z.record(z.string(), z.string()),
  query: seriesQuerySchema,
  intervalMs: z.number().int().positive(),
});
const idParam = z.object({ id: recordIdSchema });
const versionQuery = z.object({ version: z.coerce.number().int().positive().optional() });
const num = (value: unknown) => (typeof value === 'number' ? value : null);

function summary(record: ModelRecord): ModelSummary {
  const labels = labelsSchema.parse(record.labels);
  const current = record.versions.find((v) => v.version === record.currentVersion);
  return {
    id: record.id,
    detector: record.detector as ModelSummary['detector'],
    series: labels.series,
    tags: labels.tags,
    query: labels.query,
    intervalMs: labels.intervalMs,
    status: 'ready',
    version: record.currentVersion,
    trainedAt: current?.createdAt ?? record.updatedAt,
    createdAt: record.createdAt,
    versions: record.versions.map((v) => ({
      version: v.version,
      createdAt: v.createdAt,
      createdBy: v.createdBy,
      sizeBytes: v.sizeBytes,
      trainedFrom: num(v.info.trainedFrom),
      trainedTo: num(v.info.trainedTo),
      trainedPoints: num(v.info.trainedPoints),
    })),
  };
}

const notFound = (what: string, id: string) =>
  new ProblemError({
    status: 404,
    slug: 'not-found',
    title: 'Not found',
    detail: `There is no ${what} "${id}" in this org.`,
  });

/** A model file's content, decoded; a 422 saying why for a corrupt, foreign or too new one. */
function decodeModelFile(document: Record<string, unknown>) {
  try {
    return decodeModel(new TextEncoder().encode(JSON.stringify(document)));
  } catch (error) {
    if (!(error instanceof EngineInputError)) throw error;
    throw new ProblemError({
      status: 422,
      slug: 'bad-model',
      title: 'Not a usable model file',
      detail: `${error.message}. Send the content of a file written by tidemark train or GET /api/v1/models/{id}/file.`,
    });
  }
}

/** Models (train, list, get, roll back, delete, download and upload as files) and their training jobs. */
export function modelRoutes({ store, trainer }: Pick<AppDeps, 'store' | 'trainer'>) {
  return new Hono<AuthEnv>()
    .get('/models', requireRole('Viewer'), async (c) => {
      const records = await store.models.list(c.get('caller').orgId);
      return c.json({ models: records.map(summary) });
    })
    .get('/models/:id', requireRole('Viewer'), validate('param', idParam), async (c) => {
      const { id } = c.req.valid('param');
      const record = await store.models.get(c.get('caller').orgId, id);
      if (!record) throw notFound('model', id);
      return c.json(summary(record));
    })
    .post('/models', requireRole('Editor'), validate('json', trainRequestSchema), async (c) => {
      const caller = c.get('caller');
      const job = await trainer.submit(caller.orgId, c.req.valid('json'), caller.subject);
      c.header('location', `/api/v1/jobs/${job!.id}`);
      return c.json(job!, 202);
    })
    .get(
      '/models/:id/file',
      requireRole('Viewer'),
      validate('param', idParam),
      validate('query', versionQuery),
      async (c) => {
        const { id } = c.req.valid('param');
        const { version } = c.req.valid('query');
        const orgId = c.get('caller').orgId;
        if (!(await store.models.get(orgId, id))) throw notFound('model', id);
        const stored = await store.models.load(orgId, id, version).catch((error: unknown) => {
          if (!(error instanceof UnknownVersionError)) throw error;
          throw new ProblemError({
            status: 404,
            slug: 'not-found',
            title: 'No such version',
            detail: `${error.message}.`,
          });
        });
        if (!stored) throw notFound('model', id);
        c.header('content-type', MODEL_FILE_MEDIA_TYPE);
        c.header('content-disposition', `attachment; filename="${id}-v${stored.version.version}.tdm"`);
        return c.body(stored.bytes as Uint8Array<ArrayBuffer>);
      },
    )
    .post('/models/file', requireRole('Editor'), validate('json', importModelRequestSchema), async (c) => {
      const caller = c.get('caller');
      const { model: document, ...series } = c.req.valid('json');
      const model = decodeModelFile(document);
      const record = await saveSeriesModel(store, caller.orgId, {
        ...series,
        model,
        createdBy: caller.subject,
        info: { imported: true },
      });
      c.header('location', `/api/v1/models/${record.id}`);
      return c.json(summary(record), 201);
    })
    .post(
      '/models/:id/rollback',
      requireRole('Editor'),
      validate('param', idParam),
      validate('json', rollbackRequestSchema),
      async (c) => {
        const { id } = c.req.valid('param');
        const orgId = c.get('caller').orgId;
        if (!(await store.models.get(orgId, id))) throw notFound('model', id);
        try {
          return c.json(summary(await store.models.rollback(orgId, id, c.req.valid('json').version)));
        } catch (error) {
          if (!(error instanceof UnknownVersionError)) throw error;
          throw new ProblemError({
            status: 404,
            slug: 'not-found',
            title: 'No such version',
            detail: `${error.message}.`,
          });
        }
      },
    )
    .delete('/models/:id', requireRole('Admin'), validate('param', idParam), async (c) => {
      const { id } = c.req.valid('param');
      if (!(await store.models.delete(c.get('caller').orgId, id))) throw notFound('model', id);
      return c.body(null, 204);
    })
    .get('/jobs', requireRole('Viewer'), async (c) =>
      c.json({ jobs: await trainer.list(c.get('caller').orgId) }),
    )
    .post('/jobs/:id/cancel', requireRole('Editor'), validate('param', idParam), async (c) =>
      c.json(await trainer.cancel(c.get('caller').orgId, c.req.valid('param').id)),
    )
    .get('/jobs/:id', requireRole('Viewer'), validate('param', idParam), async (c) => {
      const { id } = c.req.valid('param');
      const job = await trainer.get(c.get('caller').orgId, id);
      if (!job) throw notFound('job', id);
      return c.json(job);
    });
}
