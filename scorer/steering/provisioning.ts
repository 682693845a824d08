import { maintenanceWindowInputSchema } from '@tidemark/core';
import { z } from 'zod';
import { byOrg, ProvisioningError, readProvisioningFile } from '../continuous/provisioning';
import type { ProvisionedWindow } from './maintenance';
import { checkSchedule, ScheduleError } from './schedule';

const fileSchema = z
  .object({
    apiVersion: z.literal(1).default(1),
    windows: z
      .array(maintenanceWindowInputSchema.extend({ orgId: z.number().int().nonnegative().optional() }))
      .default([]),
  })
  .strict();

/**
 * Reads the maintenance windows YAML (`MAINTENANCE_FILE`): `apiVersion: 1` and a `windows` list,
 * each a maintenance window plus an optional `orgId` (DEFAULT_ORG_ID when absent).
 */
export async function loadProvisionedWindows(
  path: string,
  defaultOrgId: number,
): Promise<ProvisionedWindow[]> {
  const file = await readProvisioningFile(path, 'MAINTENANCE_FILE', fileSchema, 'maintenance windows');
  return byOrg(path, file.windows, defaultOrgId, 'maintenance window').map(({ orgId, entry }, index) => {
    try {
      checkSchedule(entry.schedule);
    } catch (error) {
      if (!(error instanceof ScheduleError)) throw error;
      throw new ProvisioningError(
        `${path} is not a valid maintenance windows file:\n  windows[${index}].${error.path}: ${error.message}`,
      );
    }
    return { orgId, window: entry };
  });
}
