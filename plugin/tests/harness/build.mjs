// Bundles the harness page (tests/harness/main.tsx) with esbuild into tests/harness/dist/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist');
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [join(here, 'main.tsx')],
  outfile: join(out, 'harness.js'),
  bundle: true,
  format: 'iife',
  target: 'es2020',
  jsx: 'transform',
  minify: false,
  sourcemap: false,
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
  loader: { '.svg': 'dataurl', '.png': 'dataurl', '.woff': 'empty', '.woff2': 'empty', '.ttf': 'empty' },
});

writeFileSync(
  join(out, 'index.html'),
  `<!doctype html>
<html>
  <head>
    <meta charset="utf-8" />
    <title>Tidemark harness</title>
    <link rel="stylesheet" href="harness.css" />
    <style>body { margin: 0; }</style>
  </head>
  <body>
    <div id="root"></div>
    <script src="harness.js"></script>
  </body>
</html>
`,
);
console.log(`harness built in ${out}`);
