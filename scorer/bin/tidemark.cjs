#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader (the scorer is shipped as TypeScript sources).
// The child gets SIGTERM/SIGINT forwarded, so `tidemark serve` shuts down gracefully under
// Docker or systemd; this process exits with the child's code.
const { join } = require('node:path');
const { spawn } = require('node:child_process');
const { pathToFileURL } = require('node:url');
// Resolved from here, not from the working directory, so the CLI runs from anywhere.
const tsx = pathToFileURL(require.resolve('tsx')).href;
const child = spawn(
  process.execPath,
  ['--import', tsx, join(__dirname, '..', 'cli', 'main.ts'), ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
