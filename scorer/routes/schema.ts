import { databaseNameSchema, influxNameSchema } from '@tidemark/core';
import { Hono } from 'hono';
import { z } from 'zod';
import { type AuthEnv, requireRole } from '../auth/middleware';
import type { AppDeps } from '../deps';
import { validate } from '../http/validate';
import { listDatabases, listFieldKeys, listMeasurements, listTagKeys, listTagValues } from '../influx/schema';

const limit = z.coerce.number().int().min(1).max(10_000).optional();
const database = z
  .object({ database: databaseNameSchema, retentionPolicy: databaseNameSchema.optional(), limit })
  .strict();
const measurement = database.extend({ measurement: influxNameSchema });
const tagValues = measurement.extend({ key: influxNameSchema });

/** The query editor's look-ups: `GET /schema/{databases,measurements,fields,tag-keys,tag-values}` → `{ values }`. */
export function schemaRoutes({ access }: Pick<AppDeps, 'access'>) {
  const target = (q: { database: string; retentionPolicy?: string | undefined }) => ({
    database: q.database,
    ...(q.retentionPolicy ? { retentionPolicy: q.retentionPolicy } : {}),
  });
  return new Hono<AuthEnv>()
    .use(requireRole('Viewer'))
    .get('/schema/databases', async (c) => {
      const { orgId } = c.get('caller');
      const all = await listDatabases(access.listingClient(orgId), { signal: c.req.raw.signal });
      return c.json({ values: access.visible(orgId, all) });
    })
    .get('/schema/measurements', validate('query', database), async (c) => {
      const q = c.req.valid('query');
      const influx = access.client(c.get('caller').orgId, q.database);
      const values = await listMeasurements(influx, target(q), {
        signal: c.req.raw.signal,
        ...(q.limit ? { limit: q.limit } : {}),
      });
      return c.json({ values });
    })
    .get('/schema/fields', validate('query', measurement), async (c) => {
      const q = c.req.valid('query');
      const influx = access.client(c.get('caller').orgId, q.database);
      const fields = await listFieldKeys(influx, target(q), q.measurement, { signal: c.req.raw.signal });
      return c.json({
        values: fields.map((f) => f.name),
        types: Object.fromEntries(fields.map((f) => [f.name, f.type])),
      });
    })
    .get('/schema/tag-keys', validate('query', measurement), async (c) => {
      const q = c.req.valid('query');
      const influx = access.client(c.get('caller').orgId, q.database);
      return c.json({
        values: await listTagKeys(influx, target(q), q.measurement, { signal: c.req.raw.signal }),
      });
    })
    .get('/schema/tag-values', validate('query', tagValues), async (c) => {
      const q = c.req.valid('query');
      const influx = access.client(c.get('caller').orgId, q.database);
      const values = await listTagValues(influx, target(q), q.measurement, q.key, {
        signal: c.req.raw.signal,
        ...(q.limit ? { limit: q.limit } : {}),
      });
      return c.json({ values });
    });
}
