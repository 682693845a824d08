import { backtestRequestSchema, recordIdSchema } from '@tidemark/core';
import { Hono } from 'hono';
import { z } from 'zod';
import { type AuthEnv, requireRole } from '../auth/middleware';
import type { AppDeps } from '../deps';
import { validate } from '../http/validate';

const idParam = z.object({ id: recordIdSchema });

/** Backtests: start and cancel (Editor), read (Viewer). */
export function backtestRoutes({ backtests }: Pick<AppDeps, 'backtests'>) {
  return new Hono<AuthEnv>()
    .get('/backtests', requireRole('Viewer'), async (c) =>
      c.json({ backtests: await backtests.list(c.get('caller').orgId) }),
    )
    .get('/backtests/:id', requireRole('Viewer'), validate('param', idParam), async (c) =>
      c.json(await backtests.get(c.get('caller').orgId, c.req.valid('param').id)),
    )
    .post('/backtests', requireRole('Editor'), validate('json', backtestRequestSchema), async (c) => {
      const caller = c.get('caller');
      const backtest = await backtests.submit(caller.orgId, c.req.valid('json'), caller.subject);
      c.header('location', `/api/v1/backtests/${backtest.id}`);
      return c.json(backtest, 202);
    })
    .post('/backtests/:id/cancel', requireRole('Editor'), validate('param', idParam), async (c) =>
      c.json(await backtests.cancel(c.get('caller').orgId, c.req.valid('param').id)),
    );
}
