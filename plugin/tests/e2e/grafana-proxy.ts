import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { type GrafanaRole, matchRoute, type PluginRoute, roleAllows } from '../grafana-routes';
import type { GrafanaApiAnswer, GrafanaApiRequest } from './grafana-alerting';

/**
 * A loopback stand-in for Grafana's data-source proxy, following Grafana's documented contract for
 * frontend data sources with plugin.json routes:
 *
 * - `/api/datasources/proxy/uid/<uid>/<route path>/<rest>` is forwarded to `<route url>/<rest>` with
 *   the query string, the route chosen by method and path, and refused with a 403 when the signed-in
 *   user's role is below its `reqRole` (see ../grafana-routes.ts);
 * - the route's headers are added, with `{{ .SecureJsonData.x }}` / `{{ .JsonData.x }}` filled from
 *   the data source's settings (here: `Authorization: Bearer <token>`);
 * - the browser's `Authorization` and `Cookie` headers never reach the upstream;
 * - an upstream 401 reaches the browser as 400 (so the browser's session is not logged out);
 * - an unreachable upstream is a 502 with `{ "message": "Bad Gateway" }`;
 * - with `idForwarding` on (`idToken` given), the signed-in user's ID token goes along as
 *   `X-Grafana-Id`, with `X-Grafana-Org-Id`, as Grafana forwards them to plugins.
 *
 * It also serves the harness page, so the browser calls it same-origin as it calls Grafana, and
 * hands other requests to Grafana's own API to `grafanaApi` when given (see ./grafana-alerting.ts).
 */
export interface DataSourceSettings {
  uid: string;
  jsonData: Record<string, string>;
  secureJsonData: Record<string, string>;
  routes: PluginRoute[];
  /** The signed-in user's org role (default Viewer: what every dashboard user has). */
  role?: GrafanaRole;
  /** The signed-in user's ID token (Grafana's `idForwarding`), and the org it was signed for. */
  idToken?: { token: () => string; orgId: number };
  /** Grafana's own HTTP API (beside the proxy): an answer, or null for a path it does not serve. */
  grafanaApi?: (request: GrafanaApiRequest) => GrafanaApiAnswer | null;
}

export interface GrafanaProxy {
  url: string;
  close(): Promise<void>;
}

const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-authorization',
  'te',
  'trailer',
];
const STRIPPED = ['authorization', 'cookie', 'host', 'origin', 'referer', ...HOP_BY_HOP];
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

function fill(template: string, settings: DataSourceSettings): string {
  return template.replace(
    /\{\{\s*\.(SecureJsonData|JsonData)\.(\w+)\s*\}\}/g,
    (_match, kind: string, key: string) =>
      kind === 'SecureJsonData' ? (settings.secureJsonData[key] ?? '') : (settings.jsonData[key] ?? ''),
  );
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function json(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

export async function startGrafanaProxy(
  settings: DataSourceSettings,
  staticDir?: string,
): Promise<GrafanaProxy> {
  const prefix = `/api/datasources/proxy/uid/${settings.uid}/`;

  const forward = async (request: IncomingMessage, response: ServerResponse, url: URL) => {
    const rest = url.pathname.slice(prefix.length);
    const route = matchRoute(settings.routes, request.method ?? 'GET', rest);
    // Grafana would send it to the data source's own URL without the route's headers; it has none.
    if (!route) return json(response, 502, { message: 'Bad Gateway' });
    if (!roleAllows(route, settings.role ?? 'Viewer')) {
      return json(response, 403, { message: 'plugin proxy route access denied' });
    }
    const target = new URL(
      fill(route.url, settings).replace(/\/$/, '') + rest.slice(route.path.length) + url.search,
    );
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (!STRIPPED.includes(name) && typeof value === 'string') headers.set(name, value);
    }
    for (const header of route.headers ?? []) headers.set(header.name, fill(header.content, settings));
    if (settings.idToken) {
      headers.set('x-grafana-id', settings.idToken.token());
      headers.set('x-grafana-org-id', String(settings.idToken.orgId));
    }
    const body = ['GET', 'HEAD'].includes(request.method ?? 'GET') ? undefined : await readBody(request);
    let upstream: Response;
    try {
      upstream = await fetch(target, {
        method: request.method,
        headers,
        body: body ? new Uint8Array(body) : undefined,
      });
    } catch {
      return json(response, 502, { message: 'Bad Gateway' });
    }
    const status = upstream.status === 401 ? 400 : upstream.status;
    const responseHeaders: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (!HOP_BY_HOP.includes(name) && name !== 'content-encoding' && name !== 'content-length') {
        responseHeaders[name] = value;
      }
    });
    response.writeHead(status, responseHeaders);
    response.end(Buffer.from(await upstream.arrayBuffer()));
  };

  const serveStatic = (response: ServerResponse, pathname: string) => {
    const file = staticDir ? normalize(join(staticDir, pathname === '/' ? 'index.html' : pathname)) : '';
    if (!staticDir || !file.startsWith(staticDir) || !existsSync(file) || !statSync(file).isFile()) {
      return json(response, 404, { message: 'Not found' });
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(response);
  };

  const grafanaApi = async (request: IncomingMessage, response: ServerResponse, url: URL) => {
    const answer = settings.grafanaApi?.({
      method: request.method ?? 'GET',
      path: url.pathname,
      headers: request.headers,
      body: await readBody(request),
      role: settings.role ?? 'Viewer',
    });
    if (answer) json(response, answer.status, answer.body);
    else json(response, 404, { message: 'Not found' });
  };

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const failed = (error: Error) => json(response, 500, { message: error.message });
    if (url.pathname.startsWith(prefix)) forward(request, response, url).catch(failed);
    else if (url.pathname.startsWith('/api/')) grafanaApi(request, response, url).catch(failed);
    else serveStatic(response, url.pathname);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
