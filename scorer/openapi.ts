import {
  annotationsResponseSchema,
  backtestRequestSchema,
  backtestSchema,
  backtestsResponseSchema,
  CONTRACT_VERSION,
  continuousDetectorInputSchema,
  continuousDetectorPatchSchema,
  continuousDetectorSchema,
  detectorsResponseSchema,
  importModelRequestSchema,
  jobSchema,
  MODEL_FILE_MEDIA_TYPE,
  maintenanceOccurrencesResponseSchema,
  maintenanceWindowInputSchema,
  maintenanceWindowSchema,
  maintenanceWindowsResponseSchema,
  markInputSchema,
  markSchema,
  marksResponseSchema,
  modelSummarySchema,
  modelsResponseSchema,
  problemSchema,
  rollbackRequestSchema,
  schemaValuesResponseSchema,
  scorePointsRequestSchema,
  scoreRequestSchema,
  scoreResponseSchema,
  trainRequestSchema,
} from '@tidemark/core';
import { z } from 'zod';

type Role = 'Viewer' | 'Editor' | 'Admin';

const schema = (s: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'openapi-3.0' }) as Record<string, unknown>;
const json = (s: z.ZodType, io: 'input' | 'output' = 'output') => ({
  'application/json': { schema: schema(s, io) },
});
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: schema(problemSchema, 'output') } },
});
const ERRORS = {
  '400': problem('Invalid request: `detail` says what to fix, `errors` lists the fields.'),
  '401': problem('Missing or wrong bearer token, or a refused `X-Grafana-Id` (Grafana shows this as a 400).'),
  '403': problem(
    'The Grafana role is too low for this operation, or the org may not use this InfluxDB database (ORG_ACCESS_FILE).',
  ),
  '503': problem('InfluxDB (or Grafana’s signing keys) unreachable or timed out; retry.'),
};

function operation(
  summary: string,
  role: Role | null,
  responses: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  return {
    summary,
    ...(role
      ? { description: `Needs the ${role} role (or higher).`, security: [{ bearer: [] }] }
      : { security: [] }),
    ...extra,
    responses: { ...responses, ...(role ? ERRORS : {}) },
  };
}

const query = (name: string, required: boolean, description: string) => ({
  name,
  in: 'query',
  required,
  schema: { type: 'string' },
  description,
});
const idPath = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const values = { '200': { description: 'Values', content: json(schemaValuesResponseSchema) } };
const schemaParams = {
  database: query('database', true, 'Database (1.x) or DBRP-mapped database (2.x/3.x).'),
  retentionPolicy: query('retentionPolicy', false, 'Retention policy; the default one when absent.'),
  measurement: query('measurement', true, 'Measurement.'),
  key: query('key', true, 'Tag key.'),
  limit: query('limit', false, 'At most this many values (default 1000).'),
};

/** The OpenAPI 3 document served at `/openapi.json`, built from the contract's zod schemas. */
export function openApiDocument() {
  return {
    openapi: '3.0.3',
    info: {
      title: 'Tidemark scorer',
      version: `contract-v${CONTRACT_VERSION}`,
      description:
        'Anomaly scores for InfluxDB series, for Grafana. Every error is application/problem+json (RFC 9457). See docs/api.md.',
    },
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A token from TIDEMARK_TOKENS. Grafana adds it.',
        },
      },
    },
    paths: {
      '/healthz': { get: operation('The process answers', null, { '200': { description: 'OK' } }) },
      '/readyz': {
        get: operation('InfluxDB reachable and state store writable', null, {
          '200': { description: 'Ready' },
          '503': problem('Not ready; `detail` says what is wrong.'),
        }),
      },
      '/metrics': {
        get: operation('Prometheus metrics (text format)', null, { '200': { description: 'Metrics' } }),
      },
      '/openapi.json': { get: operation('This document', null, { '200': { description: 'OpenAPI 3' } }) },
      '/api/v1/score': {
        post: operation(
          'Score a series read from InfluxDB',
          'Viewer',
          { '200': { description: 'Scored series', content: json(scoreResponseSchema) } },
          { requestBody: { required: true, content: json(scoreRequestSchema, 'input') } },
        ),
      },
      '/api/v1/score/points': {
        post: operation(
          'Score points sent in the body',
          'Viewer',
          { '200': { description: 'Scored series', content: json(scoreResponseSchema) } },
          { requestBody: { required: true, content: json(scorePointsRequestSchema, 'input') } },
        ),
      },
      '/api/v1/schema/databases': { get: operation('Databases', 'Viewer', values) },
      '/api/v1/schema/measurements': {
        get: operation('Measurements', 'Viewer', values, {
          parameters: [schemaParams.database, schemaParams.retentionPolicy, schemaParams.limit],
        }),
      },
      '/api/v1/schema/fields': {
        get: operation('Field keys (with `types`)', 'Viewer', values, {
          parameters: [schemaParams.database, schemaParams.retentionPolicy, schemaParams.measurement],
        }),
      },
      '/api/v1/schema/tag-keys': {
        get: operation('Tag keys', 'Viewer', values, {
          parameters: [schemaParams.database, schemaParams.retentionPolicy, schemaParams.measurement],
        }),
      },
      '/api/v1/schema/tag-values': {
        get: operation('Values of a tag key', 'Viewer', values, {
          parameters: [
            schemaParams.database,
            schemaParams.retentionPolicy,
            schemaParams.measurement,
            schemaParams.key,
            schemaParams.limit,
          ],
        }),
      },
      '/api/v1/models': {
        get: operation('Stored models', 'Viewer', {
          '200': { description: 'Models', content: json(modelsResponseSchema) },
        }),
        post: operation(
          'Train one model per series (returns a job)',
          'Editor',
          {
            '202': { description: 'Job started; poll Location', content: json(jobSchema) },
            '429': problem('MAX_CONCURRENT_TRAININGS trainings are running.'),
          },
          { requestBody: { required: true, content: json(trainRequestSchema, 'input') } },
        ),
      },
      '/api/v1/models/{id}': {
        get: operation(
          'One model with its versions',
          'Viewer',
          {
            '200': { description: 'Model', content: json(modelSummarySchema) },
            '404': problem('No such model.'),
          },
          { parameters: [idPath] },
        ),
        delete: operation(
          'Delete a model and all its versions',
          'Admin',
          { '204': { description: 'Deleted' }, '404': problem('No such model.') },
          { parameters: [idPath] },
        ),
      },
      '/api/v1/models/{id}/file': {
        get: operation(
          'Download the model file of the current (or ?version=N) version',
          'Viewer',
          {
            '200': {
              description: 'The model file (tidemark score --model reads it)',
              content: { [MODEL_FILE_MEDIA_TYPE]: { schema: { type: 'object' } } },
            },
            '404': problem('No such model or version.'),
          },
          {
            parameters: [
              idPath,
              { name: 'version', in: 'query', required: false, schema: { type: 'integer', minimum: 1 } },
            ],
          },
        ),
      },
      '/api/v1/models/file': {
        post: operation(
          'Upload a model file as the model of one series (MAX_BODY_BYTES bounds it)',
          'Editor',
          {
            '201': { description: 'Model', content: json(modelSummarySchema) },
            '413': problem('The file is larger than MAX_BODY_BYTES.'),
            '422': problem('Not a Tidemark model, corrupt, or of a newer format version (bad-model).'),
          },
          { requestBody: { required: true, content: json(importModelRequestSchema, 'input') } },
        ),
      },
      '/api/v1/models/{id}/rollback': {
        post: operation(
          'Make a kept version current again',
          'Editor',
          {
            '200': { description: 'Model', content: json(modelSummarySchema) },
            '404': problem('No such model or version.'),
          },
          {
            parameters: [idPath],
            requestBody: { required: true, content: json(rollbackRequestSchema, 'input') },
          },
        ),
      },
      '/api/v1/jobs': {
        get: operation('Training jobs, newest first', 'Viewer', { '200': { description: 'Jobs' } }),
      },
      '/api/v1/jobs/{id}': {
        get: operation(
          'A training job with its progress',
          'Viewer',
          { '200': { description: 'Job', content: json(jobSchema) }, '404': problem('No such job.') },
          { parameters: [idPath] },
        ),
      },
      '/api/v1/detectors': {
        get: operation('Continuous detectors', 'Viewer', {
          '200': { description: 'Detectors', content: json(detectorsResponseSchema) },
        }),
        post: operation(
          'Create a continuous detector',
          'Editor',
          {
            '201': { description: 'Created', content: json(continuousDetectorSchema) },
            '409': problem('The id exists.'),
          },
          { requestBody: { required: true, content: json(continuousDetectorInputSchema, 'input') } },
        ),
      },
      '/api/v1/detectors/{id}': {
        get: operation(
          'A continuous detector and its state',
          'Viewer',
          {
            '200': { description: 'Detector', content: json(continuousDetectorSchema) },
            '404': problem('No such detector.'),
          },
          { parameters: [idPath] },
        ),
        put: operation(
          'Replace a continuous detector',
          'Editor',
          {
            '200': { description: 'Detector', content: json(continuousDetectorSchema) },
            '409': problem('Provisioned (read-only), or the ids differ.'),
          },
          {
            parameters: [idPath],
            requestBody: { required: true, content: json(continuousDetectorInputSchema, 'input') },
          },
        ),
        patch: operation(
          'Change the named fields of a continuous detector',
          'Editor',
          {
            '200': { description: 'Detector', content: json(continuousDetectorSchema) },
            '404': problem('No such detector.'),
            '409': problem('Provisioned (read-only).'),
          },
          {
            parameters: [idPath],
            requestBody: { required: true, content: json(continuousDetectorPatchSchema, 'input') },
          },
        ),
        delete: operation(
          'Delete a continuous detector',
          'Admin',
          { '204': { description: 'Deleted' }, '409': problem('Provisioned (read-only).') },
          { parameters: [idPath] },
        ),
      },
      '/api/v1/detectors/{id}/pause': {
        post: operation(
          'Pause a continuous detector (enabled: false)',
          'Editor',
          { '200': { description: 'Detector', content: json(continuousDetectorSchema) } },
          { parameters: [idPath] },
        ),
      },
      '/api/v1/detectors/{id}/resume': {
        post: operation(
          'Resume a paused continuous detector',
          'Editor',
          { '200': { description: 'Detector', content: json(continuousDetectorSchema) } },
          { parameters: [idPath] },
        ),
      },
      '/api/v1/detectors/{id}/alert-rule': {
        get: operation(
          'A Grafana alert rule firing on the detector’s written-back anomaly flag',
          'Viewer',
          {
            '200': {
              description: 'YAML provisioning file (format=yaml) or a ProvisionedAlertRule (format=json)',
            },
            '404': problem('No such detector.'),
          },
          {
            parameters: [
              idPath,
              query('format', false, '`yaml` (default) or `json`.'),
              query('datasourceUid', false, 'Grafana’s InfluxDB data source (default tidemark-influxdb).'),
              query('folder', false, 'Folder title (yaml) or uid (json); default Tidemark.'),
              query('group', false, 'Rule group (default tidemark-detectors).'),
              query('dashboardUid', false, 'Dashboard the annotations link to.'),
              query('panelId', false, 'Panel the annotations link to.'),
            ],
          },
        ),
      },
      '/api/v1/backtests': {
        get: operation('Backtests, newest first, without results', 'Viewer', {
          '200': { description: 'Backtests', content: json(backtestsResponseSchema) },
        }),
        post: operation(
          'Score a detector definition over a past range as the continuous detector would (a job)',
          'Editor',
          {
            '202': { description: 'Backtest started; poll Location', content: json(backtestSchema) },
            '429': problem('MAX_CONCURRENT_TRAININGS backtests are running.'),
          },
          { requestBody: { required: true, content: json(backtestRequestSchema, 'input') } },
        ),
      },
      '/api/v1/backtests/{id}': {
        get: operation(
          'A backtest with its progress and, once succeeded, its result',
          'Viewer',
          {
            '200': { description: 'Backtest', content: json(backtestSchema) },
            '404': problem('No such backtest.'),
          },
          { parameters: [idPath] },
        ),
      },
      '/api/v1/backtests/{id}/cancel': {
        post: operation(
          'Cancel a backtest',
          'Editor',
          {
            '200': { description: 'Backtest', content: json(backtestSchema) },
            '409': problem('It has finished.'),
          },
          { parameters: [idPath] },
        ),
      },
      '/api/v1/marks': {
        get: operation(
          'Marks on detectors’ series',
          'Viewer',
          { '200': { description: 'Marks', content: json(marksResponseSchema) } },
          {
            parameters: [
              query('detector', false, 'Only this detector’s.'),
              query('series', false, 'Only this series’.'),
              query('from', false, 'Overlapping [from, to): epoch ms or ISO-8601.'),
              query('to', false, 'Overlapping [from, to): epoch ms or ISO-8601.'),
            ],
          },
        ),
        post: operation(
          'Mark a stretch of a series not-anomaly or missed',
          'Editor',
          {
            '201': { description: 'Created', content: json(markSchema) },
            '404': problem('No such detector.'),
          },
          { requestBody: { required: true, content: json(markInputSchema, 'input') } },
        ),
      },
      '/api/v1/marks/{id}': {
        get: operation(
          'One mark',
          'Viewer',
          { '200': { description: 'Mark', content: json(markSchema) }, '404': problem('No such mark.') },
          { parameters: [idPath] },
        ),
        delete: operation(
          'Delete a mark',
          'Editor',
          { '204': { description: 'Deleted' }, '404': problem('No such mark.') },
          { parameters: [idPath] },
        ),
      },
      '/api/v1/maintenance-windows': {
        get: operation('Maintenance windows', 'Viewer', {
          '200': { description: 'Windows', content: json(maintenanceWindowsResponseSchema) },
        }),
        post: operation(
          'Create a maintenance window',
          'Editor',
          {
            '201': { description: 'Created', content: json(maintenanceWindowSchema) },
            '409': problem('The id exists.'),
          },
          { requestBody: { required: true, content: json(maintenanceWindowInputSchema, 'input') } },
        ),
      },
      '/api/v1/maintenance-windows/{id}': {
        get: operation(
          'One maintenance window',
          'Viewer',
          {
            '200': { description: 'Window', content: json(maintenanceWindowSchema) },
            '404': problem('No such window.'),
          },
          { parameters: [idPath] },
        ),
        put: operation(
          'Replace a maintenance window',
          'Editor',
          {
            '200': { description: 'Window', content: json(maintenanceWindowSchema) },
            '409': problem('Provisioned (read-only), or the ids differ.'),
          },
          {
            parameters: [idPath],
            requestBody: { required: true, content: json(maintenanceWindowInputSchema, 'input') },
          },
        ),
        delete: operation(
          'Delete a maintenance window',
          'Admin',
          { '204': { description: 'Deleted' }, '409': problem('Provisioned (read-only).') },
          { parameters: [idPath] },
        ),
      },
      '/api/v1/maintenance-windows/{id}/occurrences': {
        get: operation(
          'Where a window is open in [from, to)',
          'Viewer',
          { '200': { description: 'Periods', content: json(maintenanceOccurrencesResponseSchema) } },
          {
            parameters: [
              idPath,
              query('from', true, 'Epoch ms or ISO-8601.'),
              query('to', true, 'Epoch ms or ISO-8601.'),
            ],
          },
        ),
      },
      '/api/v1/annotations': {
        get: operation(
          'Anomaly regions written by continuous detectors, with marks and maintenance periods',
          'Viewer',
          { '200': { description: 'Regions', content: json(annotationsResponseSchema) } },
          {
            parameters: [
              query('from', true, 'Epoch ms or ISO-8601.'),
              query('to', true, 'Epoch ms or ISO-8601.'),
              query('detector', false, 'Only this continuous detector.'),
            ],
          },
        ),
      },
    },
  };
}
