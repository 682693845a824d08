import { z } from 'zod';
import { recordIdSchema } from './models';

/**
 * `GET /api/v1/detectors/:id/alert-rule` (Viewer): a Grafana alert rule that fires on the
 * detector's written-back `anomaly` flag (so its own threshold), per series.
 */
export const alertRuleQuerySchema = z
  .object({
    /** `yaml`: a file for Grafana's provisioning/alerting folder; `json`: the body for Grafana's `POST /api/v1/provisioning/alert-rules`. */
    format: z.enum(['yaml', 'json']).default('yaml'),
    /** Uid of Grafana's InfluxDB data source the rule reads the output through. */
    datasourceUid: recordIdSchema.default('tidemark-influxdb'),
    /** Uid of the folder (`json`) or title of the folder (`yaml`) the rule goes in. */
    folder: z.string().min(1).max(256).default('Tidemark'),
    /** Rule group, evaluated every `interval`. */
    group: z.string().min(1).max(256).default('tidemark-detectors'),
    /** Dashboard and panel the annotations link to. */
    dashboardUid: recordIdSchema.default('tidemark-detectors'),
    panelId: z.coerce.number().int().nonnegative().default(1),
  })
  .strict();
export type AlertRuleQuery = z.output<typeof alertRuleQuerySchema>;
