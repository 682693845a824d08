import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as an InfluxDB server would have received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface InfluxRecorder {
  url: string;
  /** Every request so far, oldest first; empty it between tests. */
  recorded: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * A real local HTTP server standing in for an InfluxDB version that cannot be installed here: it
 * records every request, answers `/write` with 204 and `/query` with `answer` (InfluxDB's JSON).
 * Tests hold the recorded requests against InfluxDB's documented API.
 */
export async function startInfluxRecorder(
  answer: object = { results: [{ statement_id: 0 }] },
): Promise<InfluxRecorder> {
  const recorded: RecordedRequest[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      const parsed = new URL(request.url ?? '/', 'http://recorder');
      recorded.push({
        method: request.method ?? '',
        path: parsed.pathname,
        params: Object.fromEntries(parsed.searchParams),
        headers: request.headers,
        body,
      });
      if (parsed.pathname === '/write') return response.writeHead(204).end();
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    recorded,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
