import { instantSchema, markInputSchema, recordIdSchema } from '@tidemark/core';
import { Hono } from 'hono';
import { z } from 'zod';
import { type AuthEnv, requireRole } from '../auth/middleware';
import type { AppDeps } from '../deps';
import { validate } from '../http/validate';

/** Query strings carry text: epoch ms arrive as digits. */
export const queryInstant = z.preprocess(
  (v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v),
  instantSchema,
);
const idParam = z.object({ id: recordIdSchema });
const listQuery = z
  .object({
    detector: recordIdSchema.optional(),
    series: z.string().max(1024).optional(),
    from: queryInstant.optional(),
    to: queryInstant.optional(),
  })
  .strict();

/** Marks: list (Viewer), create and delete (Editor: a mark is feedback, not an administrator's call). */
export function markRoutes({ marks }: Pick<AppDeps, 'marks'>) {
  return new Hono<AuthEnv>()
    .get('/marks', requireRole('Viewer'), validate('query', listQuery), async (c) =>
      c.json({ marks: await marks.list(c.get('caller').orgId, c.req.valid('query')) }),
    )
    .get('/marks/:id', requireRole('Viewer'), validate('param', idParam), async (c) =>
      c.json(await marks.get(c.get('caller').orgId, c.req.valid('param').id)),
    )
    .post('/marks', requireRole('Editor'), validate('json', markInputSchema), async (c) => {
      const caller = c.get('caller');
      const mark = await marks.create(caller.orgId, c.req.valid('json'), caller.subject);
      c.header('location', `/api/v1/marks/${mark.id}`);
      return c.json(mark, 201);
    })
    .delete('/marks/:id', requireRole('Editor'), validate('param', idParam), async (c) => {
      await marks.remove(c.get('caller').orgId, c.req.valid('param').id);
      return c.body(null, 204);
    });
}
