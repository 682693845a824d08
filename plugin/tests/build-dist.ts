import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Builds plugin/dist once per run (production, as released); the package and artefact tests read it. */
export default function buildDist() {
  execFileSync('npm', ['run', 'build'], {
    cwd: join(__dirname, '..'),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
