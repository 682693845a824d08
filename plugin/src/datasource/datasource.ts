import {
  type AnnotationSupport,
  type DataFrame,
  type DataQueryRequest,
  type DataQueryResponse,
  DataSourceApi,
  type DataSourceInstanceSettings,
  type MetricFindValue,
  type ScopedVars,
  type TestDataSourceResponse,
} from '@grafana/data';
import { from, type Observable } from 'rxjs';
import { aliasedTitle } from './alias';
import { annotationsFrame, regionsFromResponse } from './annotations';
import { ScorerClient } from './api';
import { AnnotationsQueryEditor } from './components/AnnotationsQueryEditor/AnnotationsQueryEditor';
import { framesFromResponse } from './frames';
import { checkHealth } from './health';
import { migrateQuery } from './migrate';
import { toScoreRequest } from './request';
import { interpolateQuery } from './template';
import {
  DEFAULT_QUERY,
  type TidemarkOptions,
  type TidemarkQuery,
  type TidemarkVariableQuery,
  type VariableKind,
} from './types';
import { listVariableValues } from './variables';

export class DataSource extends DataSourceApi<TidemarkQuery, TidemarkOptions> {
  readonly client: ScorerClient;
  readonly annotations: AnnotationSupport<TidemarkQuery>;
  /** The data source's settings (jsonData: no secrets), for the editors. */
  readonly options: TidemarkOptions;

  constructor(instanceSettings: DataSourceInstanceSettings<TidemarkOptions>) {
    super(instanceSettings);
    this.options = instanceSettings.jsonData ?? {};
    this.client = new ScorerClient(instanceSettings.url ?? '');
    this.annotations = {
      QueryEditor: AnnotationsQueryEditor,
      prepareQuery: (annotation) => {
        const target = migrateQuery({ refId: 'Anno', annotationSource: 'detectors', ...annotation.target });
        return { ...target, annotationSource: target.annotationSource ?? 'detectors' };
      },
    };
  }

  getDefaultQuery(): Partial<TidemarkQuery> {
    return DEFAULT_QUERY;
  }

  filterQuery(query: TidemarkQuery): boolean {
    if (query.hide) return false;
    if (query.annotationSource === 'detectors') return true;
    return Boolean(query.measurement && query.field);
  }

  applyTemplateVariables(query: TidemarkQuery, scopedVars: ScopedVars): TidemarkQuery {
    return interpolateQuery(migrateQuery(query), scopedVars);
  }

  query(request: DataQueryRequest<TidemarkQuery>): Observable<DataQueryResponse> {
    return from(this.runQueries(request));
  }

  private async runQueries(request: DataQueryRequest<TidemarkQuery>): Promise<DataQueryResponse> {
    const targets = request.targets.filter((target) => this.filterQuery(migrateQuery(target)));
    const results = await Promise.allSettled(
      targets.map((target) =>
        this.runTarget(this.applyTemplateVariables(target, request.scopedVars), request),
      ),
    );
    const data = results.flatMap((result) => (result.status === 'fulfilled' ? result.value : []));
    const errors = results.flatMap((result, index) =>
      result.status === 'rejected'
        ? [{ refId: targets[index]?.refId, message: messageOf(result.reason) }]
        : [],
    );
    return errors.length > 0 ? { data, errors, error: errors[0] } : { data };
  }

  private async runTarget(
    query: TidemarkQuery,
    request: DataQueryRequest<TidemarkQuery>,
  ): Promise<DataFrame[]> {
    const from = request.range.from.valueOf();
    const to = request.range.to.valueOf();
    if (query.annotationSource === 'detectors') {
      const stored = await this.client.annotations(from, to, query.annotationDetector || undefined);
      return [annotationsFrame(stored.regions, query.refId, stored)];
    }
    // Several variable values are one request: the scorer gives each value its own series.
    const response = await this.client.score(
      toScoreRequest(query, from, to, request.intervalMs),
      `${request.requestId}_${query.refId}`,
    );
    if (query.annotationSource === 'score') {
      return [annotationsFrame(regionsFromResponse(response), query.refId)];
    }
    return framesFromResponse(response, query.refId, aliasedTitle(query));
  }

  async metricFindQuery(
    query: TidemarkVariableQuery | string,
    options?: { scopedVars?: ScopedVars },
  ): Promise<MetricFindValue[]> {
    const variableQuery: TidemarkVariableQuery =
      typeof query === 'string' ? { kind: (query || 'measurements') as VariableKind } : query;
    const values = await listVariableValues(this.client, variableQuery, options?.scopedVars ?? {});
    return values.map((text) => ({ text, value: text }));
  }

  async testDatasource(): Promise<TestDataSourceResponse> {
    return checkHealth(this.client);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
