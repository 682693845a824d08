import {
  alertRuleQuerySchema,
  continuousDetectorInputSchema,
  continuousDetectorPatchSchema,
  recordIdSchema,
} from '@tidemark/core';
import { Hono } from 'hono';
import { z } from 'zod';
import { type AuthEnv, requireRole } from '../auth/middleware';
import { alertRuleJson, alertRuleYaml } from '../continuous/alert-rule';
import { outputDatabase } from '../continuous/output';
import type { AppDeps } from '../deps';
import { validate } from '../http/validate';

const idParam = z.object({ id: recordIdSchema });

/** Continuous detectors: read (Viewer), create, change, pause and resume (Editor), delete (Admin). */
export function detectorRoutes({ detectors, config }: Pick<AppDeps, 'detectors' | 'config'>) {
  return new Hono<AuthEnv>()
    .get('/detectors', requireRole('Viewer'), async (c) =>
      c.json({ detectors: await detectors.list(c.get('caller').orgId) }),
    )
    .get('/detectors/:id', requireRole('Viewer'), validate('param', idParam), async (c) =>
      c.json(await detectors.get(c.get('caller').orgId, c.req.valid('param').id)),
    )
    .get(
      '/detectors/:id/alert-rule',
      requireRole('Viewer'),
      validate('param', idParam),
      validate('query', alertRuleQuerySchema),
      async (c) => {
        const orgId = c.get('caller').orgId;
        const definition = await detectors.get(orgId, c.req.valid('param').id);
        const query = c.req.valid('query');
        const source = {
          orgId,
          legacyOrgId: config.auth.defaultOrgId,
          database: outputDatabase(definition, config.influx.database),
          definition,
        };
        if (query.format === 'json') return c.json(alertRuleJson(source, query));
        return c.body(alertRuleYaml(source, query), 200, { 'content-type': 'application/yaml' });
      },
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
    .patch(
      '/detectors/:id',
      requireRole('Editor'),
      validate('param', idParam),
      validate('json', continuousDetectorPatchSchema),
      async (c) =>
        c.json(await detectors.patch(c.get('caller').orgId, c.req.valid('param').id, c.req.valid('json'))),
    )
    .post('/detectors/:id/pause', requireRole('Editor'), validate('param', idParam), async (c) =>
      c.json(await detectors.setEnabled(c.get('caller').orgId, c.req.valid('param').id, false)),
    )
    .post('/detectors/:id/resume', requireRole('Editor'), validate('param', idParam), async (c) =>
      c.json(await detectors.setEnabled(c.get('caller').orgId, c.req.valid('param').id, true)),
    )
    .delete('/detectors/:id', requireRole('Admin'), validate('param', idParam), async (c) => {
      await detectors.remove(c.get('caller').orgId, c.req.valid('param').id);
      return c.body(null, 204);
    });
}
