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

/** A dashboard variable: its options, what is selected (`$__all` for "All") and its custom all value. */
export interface FakeVariable {
  options: string[];
  current: string | string[];
  allValue?: string;
}

const ALL = '$__all';

/**
 * Grafana's TemplateSrv for a fixed set of variables; arrays are multi-value variables. It keeps
 * Grafana's documented contract for `replace`: `$name`, `${name}`, `[[name]]` and `${name:format}`;
 * a format function gets the selected value or values and the variable; "All" gives every option's
 * value, or a custom all value as is (never formatted); without a format function several values
 * read `{a,b}`.
 */
export function fakeTemplateSrv(variables: Record<string, string | string[] | FakeVariable>) {
  const model = (name: string): FakeVariable | undefined => {
    const variable = variables[name];
    if (variable === undefined) return undefined;
    return typeof variable === 'object' && !Array.isArray(variable)
      ? variable
      : { options: [variable].flat(), current: variable };
  };
  const isAll = (current: string | string[]) => [current].flat().includes(ALL);
  const formats: Record<string, (values: string[]) => string> = {
    glob: (values) => (values.length > 1 ? `{${values.join(',')}}` : values[0]!),
    regex: (values) => (values.length > 1 ? `(${values.join('|')})` : values[0]!),
    pipe: (values) => values.join('|'),
    csv: (values) => values.join(','),
    raw: (values) => values.join(','),
  };
  return {
    getVariables: () =>
      Object.keys(variables).map((name) => ({
        name,
        type: 'custom',
        current: { value: model(name)!.current },
        allValue: model(name)!.allValue ?? null,
        includeAll: true,
        multi: true,
      })),
    replace: (
      text: string,
      _scoped?: unknown,
      format?: string | ((value: string | string[], variable: unknown) => string),
    ) =>
      text?.replace(
        /\$(\w+)|\$\{(\w+)(?::([\w-]+))?\}|\[\[(\w+)(?::([\w-]+))?\]\]/g,
        (match, a?: string, b?: string, fmtB?: string, c?: string, fmtC?: string) => {
          const name = (a ?? b ?? c)!;
          const variable = model(name);
          if (!variable) return match;
          if (isAll(variable.current) && variable.allValue !== undefined) return variable.allValue;
          const value = isAll(variable.current) ? variable.options : variable.current;
          const named = fmtB ?? fmtC ?? (typeof format === 'string' ? format : undefined);
          if (named) return (formats[named] ?? formats.glob!)([value].flat());
          if (typeof format === 'function') return format(value, { name });
          return Array.isArray(value) ? formats.glob!(value) : value;
        },
      ),
    containsTemplate: (text: string) => /\$\w+/.test(text ?? ''),
    updateTimeRange: () => {},
  };
}
