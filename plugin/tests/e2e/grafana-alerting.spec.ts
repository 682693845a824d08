import { expect, test } from '@playwright/test';
import { type GrafanaApiRequest, startGrafanaAlerting } from './grafana-alerting';

/**
 * The alerting API stand-in must refuse what Grafana's provisioning API refuses, or the app page's
 * "Create alert rule in Grafana" test proves nothing about the body it sends.
 */
const RULE = {
  title: 'Tidemark: cpu',
  ruleGroup: 'tidemark-detectors',
  folderUID: 'Tidemark',
  orgID: 1,
  condition: 'C',
  data: [
    { refId: 'A', datasourceUid: 'influx', relativeTimeRange: { from: 600, to: 0 }, model: { refId: 'A' } },
    { refId: 'C', datasourceUid: '__expr__', model: { refId: 'C', type: 'threshold' } },
  ],
  noDataState: 'OK',
  execErrState: 'Error',
  for: '0s',
};

const post = (body: unknown, overrides: Partial<GrafanaApiRequest> = {}): GrafanaApiRequest => ({
  method: 'POST',
  path: '/api/v1/provisioning/alert-rules',
  headers: { 'content-type': 'application/json', 'x-disable-provenance': 'true' },
  body: Buffer.from(JSON.stringify(body)),
  role: 'Editor',
  ...overrides,
});

test('accepts a ProvisionedAlertRule: 201 with the stored rule, editable with X-Disable-Provenance', () => {
  const alerting = startGrafanaAlerting();
  expect(alerting.handler(post(RULE))).toMatchObject({ status: 201, body: { ...RULE, provenance: '' } });
  expect(alerting.handler(post(RULE, { headers: { 'content-type': 'application/json' } }))).toMatchObject({
    status: 201,
    body: { provenance: 'api' },
  });
  expect(alerting.received).toHaveLength(2);
});

test('refuses what Grafana refuses, and leaves other paths alone', () => {
  const alerting = startGrafanaAlerting();
  const refused = (body: unknown, overrides: Partial<GrafanaApiRequest> = {}) =>
    alerting.handler(post(body, overrides))?.status;
  for (const field of [
    'title',
    'ruleGroup',
    'folderUID',
    'orgID',
    'condition',
    'data',
    'noDataState',
    'for',
  ]) {
    const { [field as keyof typeof RULE]: _dropped, ...rest } = RULE;
    expect([field, refused(rest)]).toEqual([field, 400]);
  }
  expect(refused({ ...RULE, condition: 'Z' })).toBe(400);
  expect(refused({ ...RULE, noDataState: 'Quiet' })).toBe(400);
  expect(refused({ ...RULE, uid: 'x'.repeat(41) })).toBe(400);
  expect(refused({ ...RULE, data: [{ ...RULE.data[0], relativeTimeRange: undefined }, RULE.data[1]] })).toBe(
    400,
  );
  expect(refused(RULE, { headers: { 'content-type': 'text/plain' } })).toBe(400);
  expect(refused(RULE, { role: 'Viewer' })).toBe(403);
  expect(alerting.received).toEqual([]);
  expect(alerting.handler(post(RULE, { path: '/api/folders' }))).toBeNull();
});
