// Bundles the scorer's /ui page (src/ui-page/page.ts: the bands panel's plot code) into
// scorer/ui/dist/, which `tidemark serve` serves when UI_ENABLED=true.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundlePage } from './bundle-page.mjs';

const plugin = join(dirname(fileURLToPath(import.meta.url)), '..');
await bundlePage({
  entry: join(plugin, 'src', 'ui-page', 'page.ts'),
  out: join(plugin, '..', 'scorer', 'ui', 'dist'),
  name: 'ui',
  minify: true,
});
