import {
  type BackendSrv,
  type FetchError,
  type FetchResponse,
  getBackendSrv,
  isFetchError,
} from '@grafana/runtime';
import {
  annotationsResponseSchema,
  type Backtest,
  type BacktestRequest,
  backtestSchema,
  type ContinuousDetector,
  type ContinuousDetectorInput,
  type ContinuousDetectorPatch,
  continuousDetectorSchema,
  detectorsResponseSchema,
  type Job,
  jobSchema,
  type MaintenanceWindow,
  type MaintenanceWindowInput,
  type Mark,
  type MarkInput,
  type ModelSummary,
  maintenanceWindowSchema,
  maintenanceWindowsResponseSchema,
  markSchema,
  marksResponseSchema,
  modelSummarySchema,
  modelsResponseSchema,
  type Problem,
  problemSchema,
  type ScoreRequest,
  type ScoreResponse,
  schemaValuesResponseSchema,
  scoreResponseSchema,
  type TrainRequest,
} from '@tidemark/core';
import { lastValueFrom } from 'rxjs';
import { z } from 'zod';

const jobsResponseSchema = z.object({ jobs: z.array(jobSchema) });

export type AnnotationsResponse = z.infer<typeof annotationsResponseSchema>;

/** The proxy route in plugin.json: `<datasource proxy url>/scorer/...` reaches the scorer with the token added. */
export const ROUTE_PATH = 'scorer';

export type SchemaKind = 'databases' | 'measurements' | 'fields' | 'tag-keys' | 'tag-values';
export interface SchemaParams {
  database?: string;
  measurement?: string;
  key?: string;
}

/** Where a detector's alert rule reads from and goes (docs/api.md, `alertRuleQuerySchema`). */
export interface AlertRuleParams {
  datasourceUid?: string;
  folder?: string;
  group?: string;
  dashboardUid?: string;
  panelId?: string;
}

/** An error from the scorer (or Grafana's proxy in front of it), with a message fit for the user. */
export class ScorerError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly problem?: Problem,
  ) {
    super(message);
    this.name = 'ScorerError';
  }
}

/** Typed calls to the scorer's HTTP API through Grafana's data-source proxy. */
export class ScorerClient {
  constructor(
    /** The data source's proxy URL, `/api/datasources/proxy/uid/<uid>`. */
    private readonly proxyUrl: string,
    private readonly backend: () => BackendSrv = getBackendSrv,
  ) {}

  async score(request: ScoreRequest, requestId?: string): Promise<ScoreResponse> {
    const body = await this.request('POST', '/api/v1/score', { data: request, requestId });
    return parse(scoreResponseSchema, body, 'POST /api/v1/score');
  }

  async schema(kind: SchemaKind, params: SchemaParams = {}): Promise<string[]> {
    const body = await this.request('GET', `/api/v1/schema/${kind}`, { params: definedOnly(params) });
    return parse(schemaValuesResponseSchema, body, `GET /api/v1/schema/${kind}`).values;
  }

  /** Stored regions, marks and maintenance periods of the org's continuous detectors in [from, to). */
  async annotations(from: number, to: number, detector?: string): Promise<AnnotationsResponse> {
    const params = definedOnly({ from: String(from), to: String(to), detector });
    const body = await this.request('GET', '/api/v1/annotations', { params });
    return parse(annotationsResponseSchema, body, 'GET /api/v1/annotations');
  }

  async models(): Promise<ModelSummary[]> {
    return parse(modelsResponseSchema, await this.request('GET', '/api/v1/models'), 'GET /api/v1/models')
      .models;
  }

  /** Training jobs of the org, newest first as the scorer lists them. */
  async jobs(): Promise<Job[]> {
    return parse(jobsResponseSchema, await this.request('GET', '/api/v1/jobs'), 'GET /api/v1/jobs').jobs;
  }

  /** Starts a training job (Editor); it runs in the background, poll `jobs()` for its progress. */
  async train(request: TrainRequest): Promise<Job> {
    return parse(
      jobSchema,
      await this.request('POST', '/api/v1/models', { data: request }),
      'POST /api/v1/models',
    );
  }

  /** Asks a running training job to stop (Editor); it ends `cancelled` at its next progress report. */
  async cancelJob(jobId: string): Promise<Job> {
    const path = `/api/v1/jobs/${encodeURIComponent(jobId)}/cancel`;
    return parse(jobSchema, await this.request('POST', path), `POST ${path}`);
  }

  /** Makes a kept version of a model current again (Editor). */
  async rollback(modelId: string, version: number): Promise<ModelSummary> {
    const path = `/api/v1/models/${encodeURIComponent(modelId)}/rollback`;
    return parse(modelSummarySchema, await this.request('POST', path, { data: { version } }), `POST ${path}`);
  }

  /** Deletes a model with all its versions (Admin). */
  async deleteModel(modelId: string): Promise<void> {
    await this.request('DELETE', `/api/v1/models/${encodeURIComponent(modelId)}`);
  }

  async detectors(): Promise<ContinuousDetector[]> {
    const body = await this.request('GET', '/api/v1/detectors');
    return parse(detectorsResponseSchema, body, 'GET /api/v1/detectors').detectors;
  }

  /** Creates a continuous detector (Editor). */
  async createDetector(definition: ContinuousDetectorInput): Promise<ContinuousDetector> {
    const body = await this.request('POST', '/api/v1/detectors', { data: definition });
    return parse(continuousDetectorSchema, body, 'POST /api/v1/detectors');
  }

  /** Replaces a continuous detector's whole definition (Editor); `enabled: false` pauses it. */
  async replaceDetector(definition: ContinuousDetectorInput): Promise<ContinuousDetector> {
    const path = `/api/v1/detectors/${encodeURIComponent(definition.id)}`;
    return parse(
      continuousDetectorSchema,
      await this.request('PUT', path, { data: definition }),
      `PUT ${path}`,
    );
  }

  /** Changes the named top-level fields of a detector (Editor). */
  async patchDetector(id: string, patch: ContinuousDetectorPatch): Promise<ContinuousDetector> {
    const path = `/api/v1/detectors/${encodeURIComponent(id)}`;
    return parse(
      continuousDetectorSchema,
      await this.request('PATCH', path, { data: patch }),
      `PATCH ${path}`,
    );
  }

  /** Pauses (keeping its checkpoint) or resumes (catching up from it) a detector (Editor). */
  async setDetectorRunning(id: string, running: boolean): Promise<ContinuousDetector> {
    const path = `/api/v1/detectors/${encodeURIComponent(id)}/${running ? 'resume' : 'pause'}`;
    return parse(continuousDetectorSchema, await this.request('POST', path), `POST ${path}`);
  }

  /**
   * The detector's Grafana alert rule: `yaml`, a file for Grafana's provisioning folder (as text);
   * `json`, the body for Grafana's `POST /api/v1/provisioning/alert-rules`.
   */
  async alertRule(id: string, params: AlertRuleParams & { format: 'yaml' }): Promise<string>;
  async alertRule(id: string, params: AlertRuleParams & { format: 'json' }): Promise<Record<string, unknown>>;
  async alertRule(id: string, params: AlertRuleParams & { format: 'yaml' | 'json' }): Promise<unknown> {
    const path = `/api/v1/detectors/${encodeURIComponent(id)}/alert-rule`;
    const body = await this.request('GET', path, {
      params: definedOnly(params),
      responseType: params.format === 'yaml' ? 'text' : 'json',
    });
    if (params.format === 'yaml' ? typeof body !== 'string' : typeof body !== 'object' || body === null) {
      throw new ScorerError(`The scorer's answer to GET ${path} is not ${params.format}.`, 502);
    }
    return body;
  }

  /** Deletes a continuous detector and its checkpoint (Admin); what it wrote stays in InfluxDB. */
  async deleteDetector(id: string): Promise<void> {
    await this.request('DELETE', `/api/v1/detectors/${encodeURIComponent(id)}`);
  }

  /** Starts a backtest (Editor): the definition scored over a past range as the continuous detector would have. */
  async startBacktest(request: BacktestRequest): Promise<Backtest> {
    return parse(
      backtestSchema,
      await this.request('POST', '/api/v1/backtests', { data: request }),
      'POST /api/v1/backtests',
    );
  }

  /** A backtest with its progress, and its result once it succeeded. */
  async backtest(id: string): Promise<Backtest> {
    const path = `/api/v1/backtests/${encodeURIComponent(id)}`;
    return parse(backtestSchema, await this.request('GET', path), `GET ${path}`);
  }

  async cancelBacktest(id: string): Promise<Backtest> {
    const path = `/api/v1/backtests/${encodeURIComponent(id)}/cancel`;
    return parse(backtestSchema, await this.request('POST', path), `POST ${path}`);
  }

  async marks(
    filter: { detector?: string; series?: string; from?: number; to?: number } = {},
  ): Promise<Mark[]> {
    const params = definedOnly({
      detector: filter.detector,
      series: filter.series,
      from: filter.from?.toString(),
      to: filter.to?.toString(),
    });
    return parse(
      marksResponseSchema,
      await this.request('GET', '/api/v1/marks', { params }),
      'GET /api/v1/marks',
    ).marks;
  }

  /** Marks a stretch of a detector's series `not-anomaly` or `missed` (Editor). */
  async createMark(mark: MarkInput): Promise<Mark> {
    return parse(
      markSchema,
      await this.request('POST', '/api/v1/marks', { data: mark }),
      'POST /api/v1/marks',
    );
  }

  /** Removes a mark (Editor, like making one). */
  async deleteMark(id: string): Promise<void> {
    await this.request('DELETE', `/api/v1/marks/${encodeURIComponent(id)}`);
  }

  async maintenanceWindows(): Promise<MaintenanceWindow[]> {
    const body = await this.request('GET', '/api/v1/maintenance-windows');
    return parse(maintenanceWindowsResponseSchema, body, 'GET /api/v1/maintenance-windows').windows;
  }

  /** Creates a maintenance window, or replaces one when `replace` (Editor). */
  async saveMaintenanceWindow(window: MaintenanceWindowInput, replace: boolean): Promise<MaintenanceWindow> {
    const path = replace
      ? `/api/v1/maintenance-windows/${encodeURIComponent(window.id)}`
      : '/api/v1/maintenance-windows';
    const body = await this.request(replace ? 'PUT' : 'POST', path, { data: window });
    return parse(maintenanceWindowSchema, body, `${replace ? 'PUT' : 'POST'} ${path}`);
  }

  async deleteMaintenanceWindow(id: string): Promise<void> {
    await this.request('DELETE', `/api/v1/maintenance-windows/${encodeURIComponent(id)}`);
  }

  /** Raw call for health checks: resolves with the status instead of throwing on HTTP errors. */
  async probe(path: string): Promise<{ status: number; body: unknown }> {
    try {
      return { status: 200, body: await this.request('GET', path) };
    } catch (error) {
      if (error instanceof ScorerError) return { status: error.status, body: error.problem };
      throw error;
    }
  }

  private async request(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    options: {
      data?: unknown;
      params?: Record<string, string>;
      requestId?: string;
      responseType?: 'json' | 'text';
    } = {},
  ): Promise<unknown> {
    const url = `${this.proxyUrl}/${ROUTE_PATH}${path}`;
    try {
      const response: FetchResponse<unknown> = await lastValueFrom(
        this.backend().fetch<unknown>({
          url,
          method,
          data: options.data,
          params: options.params,
          requestId: options.requestId,
          ...(options.responseType ? { responseType: options.responseType } : {}),
          headers: options.data !== undefined ? { 'Content-Type': 'application/json' } : undefined,
          showErrorAlert: false,
          showSuccessAlert: false,
        }),
      );
      return response.data;
    } catch (error) {
      throw toScorerError(error, `${method} ${path}`);
    }
  }
}

function definedOnly(params: object): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '',
    ),
  );
}

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
  throw new ScorerError(
    `The scorer's answer to ${what} does not match the contract this plugin speaks${where}: ${issue?.message}. ` +
      'Are the plugin and the scorer the same version?',
    502,
  );
}

/** Maps a failed fetch to one readable message: problem+json detail first, then Grafana's proxy errors. */
export function toScorerError(error: unknown, what: string): ScorerError {
  if (error instanceof ScorerError) return error;
  if (!isFetchError(error)) return new ScorerError(`${what} failed: ${String(error)}`, 0);
  const fetchError = error as FetchError<unknown>;
  const problem = problemSchema.safeParse(fetchError.data);
  if (problem.success) {
    const { title, detail } = problem.data;
    return new ScorerError(detail ? `${title}: ${detail}` : title, fetchError.status, problem.data);
  }
  const data = fetchError.data as { message?: unknown } | undefined;
  const proxyMessage = typeof data?.message === 'string' ? data.message : fetchError.statusText;
  return new ScorerError(
    `${what} failed (HTTP ${fetchError.status}): ${proxyMessage || 'no details'}`,
    fetchError.status,
  );
}
