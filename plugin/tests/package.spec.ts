import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import pkg from '../package.json';

/** The zip Grafana installs: this run's production build (tests/build-dist.ts), packed, read back entry by entry (CRC checked). */
const ROOT = join(__dirname, '..');
const ZIP = join(ROOT, 'artifacts', `tidemark-anomaly-app-${pkg.version}.zip`);

function readZip(buffer: Buffer): Map<string, Buffer> {
  const end = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buffer.readUInt16LE(end + 10);
  let offset = buffer.readUInt32LE(end + 16);
  const entries = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const method = buffer.readUInt16LE(offset + 10);
    const crc = buffer.readUInt32LE(offset + 16);
    const packedSize = buffer.readUInt32LE(offset + 20);
    const nameLength = buffer.readUInt16LE(offset + 28);
    const extraLength = buffer.readUInt16LE(offset + 30);
    const commentLength = buffer.readUInt16LE(offset + 32);
    const local = buffer.readUInt32LE(offset + 42);
    const name = buffer.toString('utf8', offset + 46, offset + 46 + nameLength);
    const dataStart = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    const packed = buffer.subarray(dataStart, dataStart + packedSize);
    const data = method === 8 ? inflateRawSync(packed) : packed;
    if (crc32(data) !== crc) throw new Error(`CRC mismatch in ${name}`);
    entries.set(name, data);
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

test('the package is a zip laid out as Grafana installs it', async () => {
  test.setTimeout(60_000);
  execFileSync('node', ['scripts/package.mjs'], { cwd: ROOT, stdio: 'ignore' });
  const entries = readZip(readFileSync(ZIP));
  const names = [...entries.keys()];
  expect(names.every((name) => name.startsWith('tidemark-anomaly-app/'))).toBe(true);
  for (const file of ['plugin.json', 'module.js', 'README.md', 'LICENSE', 'img/logo.svg']) {
    expect(names).toContain(`tidemark-anomaly-app/${file}`);
  }
  for (const nested of ['datasource', 'panel']) {
    expect(names).toContain(`tidemark-anomaly-app/${nested}/module.js`);
    expect(names).toContain(`tidemark-anomaly-app/${nested}/img/logo.svg`);
    const json = JSON.parse(entries.get(`tidemark-anomaly-app/${nested}/plugin.json`)!.toString());
    expect(json.info.version).toBe(pkg.version);
  }
  const app = JSON.parse(entries.get('tidemark-anomaly-app/plugin.json')!.toString());
  expect(app.id).toBe('tidemark-anomaly-app');
  expect(app.info.version).toBe(pkg.version);
  expect(app.info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  expect(app.includes.find((i: { type: string }) => i.type === 'page').path).toBe(
    '/a/tidemark-anomaly-app/models',
  );
});
