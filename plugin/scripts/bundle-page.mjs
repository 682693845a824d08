// Bundles one browser page (an entry and what it imports, CSS included) with esbuild into `out`:
// `<name>.js`, `<name>.css` and, when a title is given, an `index.html` that loads both.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

export async function bundlePage({ entry, out, name, title, minify = false }) {
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
  if (title) {
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
  }
  console.log(`${name} built in ${out}`);
}
