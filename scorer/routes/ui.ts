import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono } from 'hono';
import { ProblemError } from '../http/problem';

/** Where plugin/scripts/build-ui.mjs puts the page's bundle (`npm run build:ui`). */
export const UI_DIST = join(__dirname, '..', 'ui', 'dist');

const ASSETS = { 'ui.js': 'text/javascript; charset=utf-8', 'ui.css': 'text/css; charset=utf-8' } as const;

// Static: no data, no token. Everything the page shows comes from the API, with the token the user gives.
const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Tidemark</title>
    <link rel="stylesheet" href="/ui/ui.css" />
    <style>body { margin: 0; padding: 8px 16px; } form { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: end; } label { display: flex; flex-direction: column; font-size: 12px; gap: 2px; } ul { font-size: 13px; }</style>
  </head>
  <body>
    <div id="root"></div>
    <script src="/ui/ui.js"></script>
  </body>
</html>
`;

const HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; font-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

function notBuilt(path: string): never {
  throw new ProblemError({
    status: 503,
    slug: 'ui-not-built',
    title: 'The /ui page is not built',
    detail: `UI_ENABLED is set but ${path} is missing: run \`npm run build:ui\` in the repository (or point UI_DIR at a built bundle), then reload.`,
  });
}

/** The read-only page at /ui (mounted only when UI_ENABLED=true) and its bundle, read from `dir`. */
export function uiRoutes(dir: string) {
  const files = Object.keys(ASSETS).map((name) => join(dir, name));
  return new Hono()
    .get('/ui', async (c) => {
      // Without its bundle the page would load blank; say why instead.
      for (const file of files) await access(file).catch(() => notBuilt(file));
      return c.html(PAGE, 200, HEADERS);
    })
    .get('/ui/:file{ui\\.(js|css)}', async (c) => {
      const name = c.req.param('file') as keyof typeof ASSETS;
      const file = join(dir, name);
      const body = await readFile(file).catch(() => notBuilt(file));
      return c.body(new Uint8Array(body), 200, { ...HEADERS, 'content-type': ASSETS[name] });
    });
}
