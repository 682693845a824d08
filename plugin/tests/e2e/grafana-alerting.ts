import type { GrafanaRole } from '../grafana-routes';

/**
 * A stand-in for Grafana's alerting provisioning HTTP API, `POST /api/v1/provisioning/alert-rules`,
 * following its documented contract (Grafana's "Alerting provisioning HTTP API",
 * `ProvisionedAlertRule`):
 *
 * - JSON body (`Content-Type: application/json`);
 * - required: `title` and `ruleGroup` (1–190 characters), `folderUID`, `orgID`, `condition` (the
 *   `refId` of one of `data`), `data` (queries with `refId`, `datasourceUid`, `model`, and a
 *   `relativeTimeRange` `{ from, to }` in seconds for every query that is not an expression,
 *   `__expr__`), `noDataState` (`Alerting`, `NoData`, `OK`, `KeepLast`), `execErrState`
 *   (`Alerting`, `Error`, `OK`, `KeepLast`), `for` (a duration); an optional `uid` of at most 40
 *   of `A–Z a–z 0–9 - _`;
 * - a bad body is a 400 `{ message }`; a user without alerting write permission (Viewers, by
 *   default) a 403;
 * - 201 with the stored rule; `provenance` is `api` unless the request had
 *   `X-Disable-Provenance: true` (then the rule stays editable in Grafana's UI).
 *
 * It records every request it accepted, so a test checks what reached "Grafana".
 */
export interface ReceivedAlertRule {
  headers: Record<string, string | undefined>;
  rule: Record<string, unknown>;
}

export interface GrafanaApiRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  role: GrafanaRole;
}

export interface GrafanaApiAnswer {
  status: number;
  body: unknown;
}

export interface GrafanaAlerting {
  received: ReceivedAlertRule[];
  /** Answers Grafana's own API requests the proxy stand-in does not forward; null: not this API. */
  handler(request: GrafanaApiRequest): GrafanaApiAnswer | null;
}

const RULES_PATH = '/api/v1/provisioning/alert-rules';
const NO_DATA_STATES = ['Alerting', 'NoData', 'OK', 'KeepLast'];
const EXEC_ERR_STATES = ['Alerting', 'Error', 'OK', 'KeepLast'];
const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;

/** What is wrong with a `ProvisionedAlertRule` body, or null. */
export function alertRuleProblem(rule: Record<string, unknown>): string | null {
  const text = (name: string, max: number) => {
    const value = rule[name];
    return typeof value === 'string' && value.length >= 1 && value.length <= max
      ? null
      : `${name}: required, 1–${max} characters`;
  };
  const problems = [
    text('title', 190),
    text('ruleGroup', 190),
    text('folderUID', 40),
    Number.isInteger(rule.orgID) ? null : 'orgID: required, an integer',
    NO_DATA_STATES.includes(rule.noDataState as string) ? null : `noDataState: one of ${NO_DATA_STATES}`,
    EXEC_ERR_STATES.includes(rule.execErrState as string) ? null : `execErrState: one of ${EXEC_ERR_STATES}`,
    typeof rule.for === 'string' && DURATION.test(rule.for) ? null : 'for: required, a duration such as 0s',
    rule.uid === undefined || (typeof rule.uid === 'string' && /^[A-Za-z0-9_-]{1,40}$/.test(rule.uid))
      ? null
      : 'uid: at most 40 of A-Z a-z 0-9 - _',
  ];
  const data = rule.data;
  if (!Array.isArray(data) || data.length === 0) problems.push('data: required, at least one query');
  else {
    for (const [i, query] of (data as Array<Record<string, unknown>>).entries()) {
      if (typeof query.refId !== 'string' || !query.refId) problems.push(`data[${i}].refId: required`);
      if (typeof query.datasourceUid !== 'string' || !query.datasourceUid)
        problems.push(`data[${i}].datasourceUid: required`);
      if (typeof query.model !== 'object' || query.model === null)
        problems.push(`data[${i}].model: required`);
      const range = query.relativeTimeRange as { from?: unknown; to?: unknown } | undefined;
      if (
        query.datasourceUid !== '__expr__' &&
        !(typeof range?.from === 'number' && typeof range?.to === 'number' && range.from > range.to)
      )
        problems.push(`data[${i}].relativeTimeRange: { from, to } in seconds, from > to`);
    }
    if (!(data as Array<{ refId?: unknown }>).some((query) => query.refId === rule.condition))
      problems.push('condition: the refId of one of data');
  }
  const found = problems.filter((problem): problem is string => problem !== null);
  return found.length ? found.join('; ') : null;
}

export function startGrafanaAlerting(): GrafanaAlerting {
  const received: ReceivedAlertRule[] = [];
  const header = (request: GrafanaApiRequest, name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return {
    received,
    handler(request) {
      if (request.path !== RULES_PATH || request.method !== 'POST') return null;
      if (request.role === 'Viewer') {
        return { status: 403, body: { message: 'You do not have permission to create alert rules' } };
      }
      if (!header(request, 'content-type')?.startsWith('application/json')) {
        return { status: 400, body: { message: 'bad request: Content-Type must be application/json' } };
      }
      let rule: Record<string, unknown>;
      try {
        rule = JSON.parse(request.body.toString('utf8'));
      } catch {
        return { status: 400, body: { message: 'bad request data' } };
      }
      const problem = alertRuleProblem(rule);
      if (problem) return { status: 400, body: { message: `invalid alert rule: ${problem}` } };
      const disableProvenance = header(request, 'x-disable-provenance') === 'true';
      received.push({
        headers: {
          'content-type': header(request, 'content-type'),
          'x-disable-provenance': header(request, 'x-disable-provenance'),
        },
        rule,
      });
      return {
        status: 201,
        body: {
          ...rule,
          id: received.length,
          uid: rule.uid ?? `rule-${received.length}`,
          updated: new Date().toISOString(),
          provenance: disableProvenance ? '' : 'api',
        },
      };
    },
  };
}
