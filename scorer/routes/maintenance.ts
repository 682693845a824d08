import { maintenanceWindowInputSchema, recordIdSchema } from '@tidemark/core';
import { Hono } from 'hono';
import { z } from 'zod';
import { type AuthEnv, requireRole } from '../auth/middleware';
import type { AppDeps } from '../deps';
import { validate } from '../http/validate';
import { windowPeriods } from '../steering/maintenance';
import { queryInstant } from './marks';

const idParam = z.object({ id: recordIdSchema });
const rangeQuery = z
  .object({ from: queryInstant, to: queryInstant })
  .strict()
  .refine((q) => q.from < q.to, { message: '`from` must be before `to`', path: ['from'] });

/** Maintenance windows: read (Viewer), create and replace (Editor), delete (Admin). */
export function maintenanceRoutes({ maintenance }: Pick<AppDeps, 'maintenance'>) {
  return new Hono<AuthEnv>()
    .get('/maintenance-windows', requireRole('Viewer'), async (c) =>
      c.json({ windows: await maintenance.list(c.get('caller').orgId) }),
    )
    .get('/maintenance-windows/:id', requireRole('Viewer'), validate('param', idParam), async (c) =>
      c.json(await maintenance.get(c.get('caller').orgId, c.req.valid('param').id)),
    )
    .get(
      '/maintenance-windows/:id/occurrences',
      requireRole('Viewer'),
      validate('param', idParam),
      validate('query', rangeQuery),
      async (c) => {
        const window = await maintenance.get(c.get('caller').orgId, c.req.valid('param').id);
        const { from, to } = c.req.valid('query');
        const periods = windowPeriods(window, from, to).map((p) => ({
          window: window.id,
          ...(window.name ? { name: window.name } : {}),
          ...p,
        }));
        return c.json({ periods });
      },
    )
    .post(
      '/maintenance-windows',
      requireRole('Editor'),
      validate('json', maintenanceWindowInputSchema),
      async (c) => {
        const created = await maintenance.create(c.get('caller').orgId, c.req.valid('json'));
        c.header('location', `/api/v1/maintenance-windows/${created.id}`);
        return c.json(created, 201);
      },
    )
    .put(
      '/maintenance-windows/:id',
      requireRole('Editor'),
      validate('param', idParam),
      validate('json', maintenanceWindowInputSchema),
      async (c) =>
        c.json(
          await maintenance.replace(c.get('caller').orgId, c.req.valid('param').id, c.req.valid('json')),
        ),
    )
    .delete('/maintenance-windows/:id', requireRole('Admin'), validate('param', idParam), async (c) => {
      await maintenance.remove(c.get('caller').orgId, c.req.valid('param').id);
      return c.body(null, 204);
    });
}
