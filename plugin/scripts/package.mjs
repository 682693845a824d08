// Packs plugin/dist into artifacts/tidemark-anomaly-app-<version>.zip, laid out as Grafana installs it:
// every file under a top-level `tidemark-anomaly-app/` folder. Run `npm run build` first.
// Writes the zip itself (deflate from node:zlib) so packaging needs no `zip` binary.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const pluginJson = JSON.parse(readFileSync(join(dist, 'plugin.json'), 'utf8'));
if (!existsSync(join(dist, 'module.js')) || pluginJson.info.version.includes('%')) {
  console.error('plugin/dist is missing or not a production build: run `npm run build -w plugin` first.');
  process.exit(1);
}
const id = pluginJson.id;
const version = pluginJson.info.version;

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? [path, ...walk(path)] : [path];
  });
}

/** DOS date/time of a Date, as zip headers store it. */
function dosTime(date) {
  const time = (date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1);
  const day = ((date.getFullYear() - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate();
  return { time, day };
}

function zip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const isDir = entry.name.endsWith('/');
    const data = isDir ? Buffer.alloc(0) : entry.data;
    const packed = isDir ? data : deflateRawSync(data, { level: 9 });
    const method = isDir ? 0 : 8;
    const crc = isDir ? 0 : crc32(data);
    const { time, day } = dosTime(entry.mtime);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(day, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, packed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x031e, 4); // made by Unix, spec 3.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(day, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    const mode = isDir ? 0o40755 : 0o100644;
    central.writeUInt32LE(((mode << 16) | (isDir ? 0x10 : 0)) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const centralSize = centrals.reduce((sum, b) => sum + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

const entries = [{ name: `${id}/`, mtime: new Date() }];
for (const path of walk(dist).sort()) {
  const name = `${id}/${relative(dist, path).split(sep).join('/')}`;
  const stat = statSync(path);
  entries.push(
    stat.isDirectory()
      ? { name: `${name}/`, mtime: stat.mtime }
      : { name, data: readFileSync(path), mtime: stat.mtime },
  );
}

const out = join(root, 'artifacts');
mkdirSync(out, { recursive: true });
const file = join(out, `${id}-${version}.zip`);
const archive = zip(entries);
writeFileSync(file, archive);
const sha256 = createHash('sha256').update(archive).digest('hex');
writeFileSync(`${file}.sha256`, `${sha256}  ${id}-${version}.zip\n`);
console.log(
  `${relative(process.cwd(), file)} (${entries.length} entries, ${(archive.length / 1024).toFixed(0)} KiB, sha256 ${sha256})`,
);
