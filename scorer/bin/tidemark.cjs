#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader (the scorer is shipped as TypeScript sources).
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', join(__dirname, '..', 'cli', 'main.ts'), ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
