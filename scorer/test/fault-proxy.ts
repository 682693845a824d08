import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does to the next request instead of (or before) forwarding it. */
export type Fault = { status: number } | { reset: true } | { delayMs: number };

/**
 * A loopback HTTP proxy in front of a real server that injects faults into the next requests:
 * answers with a status, drops the connection, or forwards late. Used to exercise retries and
 * timeouts against the real influxd (there is no fake InfluxDB behind it).
 */
export interface FaultProxy {
  readonly url: string;
  /** Faults applied to the next requests, in order; an empty queue forwards untouched. */
  inject(...faults: Fault[]): void;
  /** Requests seen, by path (without query string). */
  readonly requests: string[];
  /** Content-Type of each answer forwarded from the real server, in order. */
  readonly answerTypes: string[];
  /** Content-Encoding of each of those answers ('' when not compressed). */
  readonly answerEncodings: string[];
  close(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const queue: Fault[] = [];
  const requests: string[] = [];
  const answerTypes: string[] = [];
  const answerEncodings: string[] = [];
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    requests.push((req.url ?? '').split('?')[0] ?? '');
    const fault = queue.shift();
    if (fault && 'status' in fault) {
      req.resume();
      res.writeHead(fault.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `injected ${fault.status}` }));
      return;
    }
    if (fault && 'reset' in fault) {
      req.socket.destroy();
      return;
    }
    const forward = () => {
      const proxied = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (upstreamRes) => {
          answerTypes.push(upstreamRes.headers['content-type'] ?? '');
          answerEncodings.push(upstreamRes.headers['content-encoding'] ?? '');
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
        },
      );
      proxied.on('error', () => res.destroy());
      req.pipe(proxied);
    };
    if (fault && 'delayMs' in fault) setTimeout(forward, fault.delayMs).unref();
    else forward();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answerTypes,
    answerEncodings,
    inject: (...faults) => queue.push(...faults),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
