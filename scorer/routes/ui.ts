import { readFile } from 'node:fs/promises';
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

async function asset(name: keyof typeof ASSETS): Promise<Buffer> {
  try {
    return await readFile(join(UI_DIST, name));
  } catch {
    throw new ProblemError({
      status: 503,
      slug: 'ui-not-built',
      title: 'The /ui page is not built',
      detail: `UI_ENABLED is set but ${join(UI_DIST, name)} is missing: run \`npm run build:ui\` in the repository, then reload.`,
    });
  }
}

/** The read-only page at /ui (mounted only when UI_ENABLED=true) and its bundle. */
export function uiRoutes() {
  return new Hono()
    .get('/ui', (c) => c.html(PAGE, 200, HEADERS))
    .get('/ui/:file{ui\\.(js|css)}', async (c) => {
      const name = c.req.param('file') as keyof typeof ASSETS;
      return c.body(new Uint8Array(await asset(name)), 200, { ...HEADERS, 'content-type': ASSETS[name] });
    });
}
