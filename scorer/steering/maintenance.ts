import {
  type MaintenanceWindow,
  type MaintenanceWindowDefinition,
  type MaintenanceWindowInput,
  maintenanceWindowInputSchema,
  type TagFilter,
} from '@tidemark/core';
import { ProblemError } from '../http/problem';
import type { StateStore } from '../store';
import { checkSchedule, openPeriods, type Period, ScheduleError } from './schedule';

/** A window from the maintenance file, with the Grafana org it belongs to. */
export interface ProvisionedWindow {
  orgId: number;
  window: MaintenanceWindowDefinition;
}

export interface MaintenanceServiceOptions {
  store: StateStore;
  provisioned: ProvisionedWindow[];
}

/** Whether a series' tags satisfy every filter (`=`: has that value; `!=`: has not). */
export function matchesTags(filters: readonly TagFilter[], tags: Record<string, string>): boolean {
  return filters.every((f) => ((tags[f.key] ?? '') === f.value) === (f.operator === '='));
}

/** Whether a window covers a detector's series with these tags. */
export function covers(
  window: MaintenanceWindowDefinition,
  detectorId: string,
  tags: Record<string, string>,
) {
  return (
    window.enabled &&
    (window.scope.detector === undefined || window.scope.detector === detectorId) &&
    matchesTags(window.scope.series, tags)
  );
}

/** Where `window` is open in [from, to). */
export function windowPeriods(window: MaintenanceWindowDefinition, from: number, to: number): Period[] {
  return openPeriods(window.schedule, from, to);
}

/** Maintenance windows: the provisioned ones (read-only) and the ones created through the API. */
export class MaintenanceService {
  private readonly windows;

  constructor(private readonly options: MaintenanceServiceOptions) {
    this.windows = options.store.collection('maintenance-windows', maintenanceWindowInputSchema);
  }

  private provisionedIn(orgId: number): MaintenanceWindowDefinition[] {
    return this.options.provisioned.filter((p) => p.orgId === orgId).map((p) => p.window);
  }

  private isProvisioned(orgId: number, id: string): boolean {
    return this.provisionedIn(orgId).some((w) => w.id === id);
  }

  /** Every window of the org, provisioned or not (what scoring applies, the enabled ones). */
  async definitionsOf(orgId: number): Promise<MaintenanceWindowDefinition[]> {
    return [...this.provisionedIn(orgId), ...(await this.windows.list(orgId))];
  }

  async list(orgId: number): Promise<MaintenanceWindow[]> {
    return (await this.definitionsOf(orgId))
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((w) => ({ ...w, provisioned: this.isProvisioned(orgId, w.id) }));
  }

  async get(orgId: number, id: string): Promise<MaintenanceWindow> {
    const window = (await this.definitionsOf(orgId)).find((w) => w.id === id);
    if (!window) throw notFound(id);
    return { ...window, provisioned: this.isProvisioned(orgId, id) };
  }

  async create(orgId: number, input: MaintenanceWindowInput): Promise<MaintenanceWindow> {
    const window = checked(input);
    if (this.isProvisioned(orgId, window.id)) throw readOnly(window.id);
    await this.windows.update(orgId, window.id, (current) => {
      if (current)
        throw conflict(
          `Maintenance window "${window.id}" already exists. Use PUT /api/v1/maintenance-windows/${window.id} to change it.`,
        );
      return window;
    });
    return { ...window, provisioned: false };
  }

  async replace(orgId: number, id: string, input: MaintenanceWindowInput): Promise<MaintenanceWindow> {
    const window = checked(input);
    if (this.isProvisioned(orgId, id)) throw readOnly(id);
    if (window.id !== id) throw conflict(`The body's id "${window.id}" differs from the URL's "${id}".`);
    if (!(await this.windows.get(orgId, id))) throw notFound(id);
    return { ...(await this.windows.put(orgId, id, window)), provisioned: false };
  }

  async remove(orgId: number, id: string): Promise<void> {
    if (this.isProvisioned(orgId, id)) throw readOnly(id);
    if (!(await this.windows.delete(orgId, id))) throw notFound(id);
  }
}

/** Parses a window and checks its cron text, as a 400 naming the field. */
function checked(input: MaintenanceWindowInput): MaintenanceWindowDefinition {
  const window = maintenanceWindowInputSchema.parse(input);
  try {
    checkSchedule(window.schedule);
  } catch (error) {
    if (!(error instanceof ScheduleError)) throw error;
    throw new ProblemError({
      status: 400,
      slug: 'validation',
      title: 'Invalid request',
      detail: `The request body is not valid: ${error.path}: ${error.message}. Fix the listed fields and send it again.`,
      errors: [{ path: error.path, message: error.message }],
    });
  }
  return window;
}

const conflict = (detail: string) =>
  new ProblemError({ status: 409, slug: 'conflict', title: 'Conflict', detail });
const readOnly = (id: string) =>
  new ProblemError({
    status: 409,
    slug: 'read-only',
    title: 'Provisioned maintenance window',
    detail: `Maintenance window "${id}" comes from the maintenance file (MAINTENANCE_FILE) and is read-only through the API. Change it in that file.`,
  });
const notFound = (id: string) =>
  new ProblemError({
    status: 404,
    slug: 'not-found',
    title: 'Not found',
    detail: `There is no maintenance window "${id}" in this org.`,
  });
