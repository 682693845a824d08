import {
  type AnnotationRegion,
  type AnnotationsResponse,
  instantSchema,
  recordIdSchema,
} from '@tidemark/core';
import { Hono } from 'hono';
import { z } from 'zod';
import { type AuthEnv, requireRole } from '../auth/middleware';
import { detectorRegions } from '../continuous/annotations';
import { outputDatabase } from '../continuous/output';
import type { AppDeps } from '../deps';
import { validate } from '../http/validate';
import { InfluxError } from '../influx';
import { windowPeriods } from '../steering/maintenance';

/** Query strings carry text: epoch ms arrive as digits. */
const instant = z.preprocess(
  (v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v),
  instantSchema,
);
const querySchema = z
  .object({ from: instant, to: instant, detector: recordIdSchema.optional() })
  .strict()
  .refine((q) => q.from < q.to, { message: '`from` must be before `to`', path: ['from'] });

/**
 * `GET /annotations?from&to[&detector]`: regions the org's continuous detectors wrote, the marks
 * on them and where maintenance windows covering them were open.
 */
export function annotationRoutes({
  detectors,
  access,
  config,
  marks,
  maintenance,
}: Pick<AppDeps, 'detectors' | 'access' | 'config' | 'marks' | 'maintenance'>) {
  return new Hono<AuthEnv>().get(
    '/annotations',
    requireRole('Viewer'),
    validate('query', querySchema),
    async (c) => {
      const { from, to, detector } = c.req.valid('query');
      const owner = { orgId: c.get('caller').orgId, legacyOrgId: config.auth.defaultOrgId };
      const definitions = (await detectors.definitionsOf(owner.orgId)).filter(
        (d) => !detector || d.id === detector,
      );
      const regions: AnnotationRegion[] = [];
      for (const definition of definitions) {
        const database = outputDatabase(definition, config.influx.database);
        const influx = access.client(owner.orgId, database);
        try {
          regions.push(
            ...(await detectorRegions(influx, owner, definition, database, from, to, c.req.raw.signal)),
          );
        } catch (error) {
          // Nothing written yet (no database or measurement): no regions, not an error.
          if (!(error instanceof InfluxError && error.kind === 'not-found')) throw error;
        }
      }
      const ids = new Set(definitions.map((d) => d.id));
      const marked = (await marks.list(owner.orgId, { from, to })).filter((m) => ids.has(m.detector));
      const windows = (await maintenance.definitionsOf(owner.orgId)).filter((w) => w.enabled);
      const periods: AnnotationsResponse['maintenance'] = definitions.flatMap((d) =>
        windows
          .filter((w) => w.scope.detector === undefined || w.scope.detector === d.id)
          .flatMap((w) =>
            windowPeriods(w, from, to).map((p) => ({
              window: w.id,
              ...(w.name ? { name: w.name } : {}),
              ...p,
              detectorName: d.id,
              series: w.scope.series,
            })),
          ),
      );
      return c.json({
        regions: regions.sort((a, b) => a.start - b.start),
        marks: marked,
        maintenance: periods.sort((a, b) => a.from - b.from),
      });
    },
  );
}
