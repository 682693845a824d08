/**
 * How Grafana's data-source proxy picks a plugin.json route and checks its role, after Grafana's
 * documented contract (plugin.json `routes`: `path`, `method`, `reqRole`, `url`, `headers`) and
 * its data-source proxy (`pkg/api/pluginproxy/ds_proxy.go`, `validateRequest`):
 *
 * - routes are tried in file order; a route whose `method` is set (and not `*`) only matches that
 *   method;
 * - a route matches when the cleaned proxy path starts with the cleaned route path;
 * - the first match wins: if the signed-in user's org role does not include its `reqRole`, Grafana
 *   answers 403 "plugin proxy route access denied" and nothing reaches the upstream;
 * - no matching route: the request goes to the data source's own URL without the route's headers
 *   (the Tidemark data source has none, so the scorer is never reached with its token).
 */
export type GrafanaRole = 'Viewer' | 'Editor' | 'Admin';

export interface PluginRoute {
  path: string;
  method?: string;
  reqRole?: string;
  url: string;
  headers?: Array<{ name: string; content: string }>;
}

const RANK: Record<GrafanaRole, number> = { Viewer: 1, Editor: 2, Admin: 3 };

/** Grafana's `util.CleanRelativePath`: no leading or trailing slash, no empty or `.` segments. */
function cleanPath(path: string): string {
  return path
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/');
}

/** The route Grafana's proxy uses for `method` and `proxyPath` (the part after `/proxy/uid/<uid>/`), or null. */
export function matchRoute<R extends PluginRoute>(routes: readonly R[], method: string, proxyPath: string) {
  const path = cleanPath(proxyPath.split('?')[0] ?? '');
  for (const route of routes) {
    if (route.method && route.method !== '*' && route.method !== method.toUpperCase()) continue;
    if (!path.startsWith(cleanPath(route.path))) continue;
    return route;
  }
  return null;
}

/** Whether a user with org role `role` passes the route's `reqRole` (an unset or unknown `reqRole` lets everyone through). */
export function roleAllows(route: PluginRoute, role: GrafanaRole): boolean {
  const required = route.reqRole as GrafanaRole | undefined;
  if (!required || !(required in RANK)) return true;
  return RANK[role] >= RANK[required];
}
