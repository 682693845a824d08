import { continuousDetectorInputSchema, recordIdSchema } from '@tidemark/core';
import { Hono } from 'hono';
import { z } from 'zod';
import { type AuthEnv, requireRole } from '../auth/middleware';
import type { AppDeps } from '../deps';
import { validate } from '../http/validate';

const idParam = z.object({ id: recordIdSchema });

/** Continuous detectors: read (Viewer), create and replace (Editor), delete (Admin). */
export function detectorRoutes({ detectors }: Pick<AppDeps, 'detectors'>) {
  return new Hono<AuthEnv>()
    .get('/detectors', requireRole('Viewer'), async (c) =>
      c.json({ detectors: await detectors.list(c.get('caller').orgId) }),
    )
    .get('/detectors/:id', requireRole('Viewer'), validate('param', idParam), async (c) =>
      c.json(await detectors.get(c.get('caller').orgId, c.req.valid('param').id)),
    )
    .post('/detectors', requireRole('Editor'), validate('json', continuousDetectorInputSchema), async (c) => {
      const created = await detectors.create(c.get('caller').orgId, c.req.valid('json'));
      c.header('location', `/api/v1/detectors/${created.id}`);
      return c.json(created, 201);
    })
    .put(
      '/detectors/:id',
      requireRole('Editor'),
      validate('param', idParam),
      validate('json', continuousDetectorInputSchema),
      async (c) =>
        c.json(await detectors.replace(c.get('caller').orgId, c.req.valid('param').id, c.req.valid('json'))),
    )
    .delete('/detectors/:id', requireRole('Admin'), validate('param', idParam), async (c) => {
      await detectors.remove(c.get('caller').orgId, c.req.valid('param').id);
      return c.body(null, 204);
    });
}
