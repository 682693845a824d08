// Bundles the harness page (tests/harness/main.tsx: plugin source) and the artefact host page
// (tests/artefact/host.tsx: Grafana's shared modules and loader for plugin/dist) with esbuild.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

async function page(entry, out, name, title, minify = false) {
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [entry],
    outfile: join(out, `${name}.js`),
    bundle: true,
    format: 'iife',
    target: 'es2020',
    jsx: 'transform',
    minify,
    sourcemap: false,
    logLevel: 'warning',
    // systemjs's package.json says "type": "script"; esbuild warns and reads it as CommonJS, which is right.
    logOverride: { 'package.json': 'silent' },
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
    loader: { '.svg': 'dataurl', '.png': 'dataurl', '.woff': 'empty', '.woff2': 'empty', '.ttf': 'empty' },
  });
  writeFileSync(
    join(out, 'index.html'),
    `<!doctype html>
<html>
  <head>
    <meta charset="utf-8" />
    <title>${title}</title>
    <link rel="stylesheet" href="${name}.css" />
    <style>body { margin: 0; }</style>
  </head>
  <body>
    <div id="root"></div>
    <script src="${name}.js"></script>
  </body>
</html>
`,
  );
  console.log(`${title} built in ${out}`);
}

await page(join(here, 'main.tsx'), join(here, 'dist'), 'harness', 'Tidemark harness');
await page(
  join(here, '..', 'artefact', 'host.tsx'),
  join(here, 'dist', 'artefact'),
  'host',
  'Tidemark artefact host',
  true,
);
