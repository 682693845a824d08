import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

export interface Served {
  url: string;
  /** Every request: path (without query) and the status it got. */
  requests: Array<{ path: string; status: number }>;
  close(): Promise<void>;
}

/** A static file server on a free loopback port: URL prefix → folder, as Grafana serves public/plugins. */
export async function serveFolders(mounts: Record<string, string>): Promise<Served> {
  const requests: Served['requests'] = [];
  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const prefix = Object.keys(mounts)
      .filter((p) => path.startsWith(p))
      .sort((a, b) => b.length - a.length)[0];
    let status = 404;
    if (prefix !== undefined) {
      const relative = normalize(path.slice(prefix.length) || 'index.html');
      if (!relative.startsWith('..')) {
        try {
          const body = await readFile(join(mounts[prefix]!, relative));
          status = 200;
          response.writeHead(200, { 'Content-Type': TYPES[extname(relative)] ?? 'application/octet-stream' });
          response.end(body);
        } catch {
          // not there: 404 below
        }
      }
    }
    if (status === 404) response.writeHead(404).end();
    requests.push({ path, status });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
