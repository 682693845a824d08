import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP/1.1 request over a real socket, byte for byte as given: no body means no
 * Content-Length (as curl, browsers and Node's fetch send a bodyless DELETE); `chunks` are
 * sent with `Transfer-Encoding: chunked` unless the headers set a Content-Length.
 */
export function rawRequest(
  url: string,
  method: string,
  headers: Record<string, string> = {},
  chunks: string[] = [],
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}
