import type { BackendSrvRequest, FetchError, FetchResponse } from '@grafana/runtime';
import { type Observable, of, throwError } from 'rxjs';

/** A scorer answer for a fake route: a body (200) or an HTTP error as Grafana's BackendSrv reports it. */
export type FakeAnswer = { status?: number; body: unknown };
export type FakeRoutes = Record<string, FakeAnswer | ((request: BackendSrvRequest) => FakeAnswer)>;

/** Grafana's BackendSrv, answering `METHOD /path` keys (path after the proxy route) from a table. */
export function fakeBackend(routes: FakeRoutes, proxyUrl = '/api/datasources/proxy/uid/tm/scorer') {
  const requests: BackendSrvRequest[] = [];
  const fetch = (request: BackendSrvRequest): Observable<FetchResponse<unknown>> => {
    requests.push(request);
    const path = request.url.startsWith(proxyUrl) ? request.url.slice(proxyUrl.length) : request.url;
    const route = routes[`${request.method ?? 'GET'} ${path}`];
    if (!route) return throwError(() => fetchError(502, { message: 'Bad Gateway' }));
    const answer = typeof route === 'function' ? route(request) : route;
    const status = answer.status ?? 200;
    if (status >= 400) return throwError(() => fetchError(status, answer.body));
    return of({ data: answer.body, status, ok: true } as FetchResponse<unknown>);
  };
  return { backend: { fetch } as never, requests };
}

export function fetchError(status: number, data: unknown): FetchError<unknown> {
  return { status, data, statusText: '', config: { url: '' } } as FetchError<unknown>;
}

/** Grafana's TemplateSrv for a fixed set of variables; arrays are multi-value variables. */
export function fakeTemplateSrv(variables: Record<string, string | string[]>) {
  return {
    getVariables: () => Object.keys(variables).map((name) => ({ name, type: 'custom' })),
    replace: (text: string, _scoped?: unknown, format?: (value: string | string[]) => string) =>
      text?.replace(/\$(\w+)|\$\{(\w+)\}/g, (match, a: string, b: string) => {
        const value = variables[a ?? b];
        if (value === undefined) return match;
        if (format) return format(value);
        return Array.isArray(value) ? `{${value.join(',')}}` : value;
      }),
    containsTemplate: (text: string) => /\$\w+/.test(text ?? ''),
    updateTimeRange: () => {},
  };
}
