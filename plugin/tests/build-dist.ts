import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const PLUGIN = join(__dirname, '..');

/**
 * Builds once per run what the tests load as users get it: plugin/dist (production, as released; the
 * package and artefact tests read it) and the scorer's /ui page bundle (the /ui page tests; a fresh
 * clone has none, and `tidemark serve` would answer 503 ui-not-built).
 */
export default function buildDist() {
  execFileSync('npm', ['run', 'build'], { cwd: PLUGIN, stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync(process.execPath, [join(PLUGIN, 'scripts', 'build-ui.mjs')], {
    cwd: PLUGIN,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
