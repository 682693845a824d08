// Bundles the harness page (tests/harness/main.tsx: plugin source) and the artefact host page
// (tests/artefact/host.tsx: Grafana's shared modules and loader for plugin/dist) with esbuild.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundlePage } from '../../scripts/bundle-page.mjs';

const here = dirname(fileURLToPath(import.meta.url));

await bundlePage({
  entry: join(here, 'main.tsx'),
  out: join(here, 'dist'),
  name: 'harness',
  title: 'Tidemark harness',
});
await bundlePage({
  entry: join(here, '..', 'artefact', 'host.tsx'),
  out: join(here, 'dist', 'artefact'),
  name: 'host',
  title: 'Tidemark artefact host',
  minify: true,
});
