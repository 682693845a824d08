import type { MiddlewareHandler } from 'hono';
import { ProblemError } from './problem';

function tooLarge(maxBytes: number): ProblemError {
  return new ProblemError({
    status: 413,
    slug: 'payload-too-large',
    title: 'Request body too large',
    detail: `The body is larger than MAX_BODY_BYTES (${maxBytes} bytes). Send fewer points or a shorter range per request.`,
  });
}

/** Reads a body stream into one buffer, refusing it as soon as it passes `maxBytes`. */
async function readAtMost(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

/**
 * Refuses bodies over `maxBytes` with a 413 problem: by `Content-Length` when one is sent, else
 * (chunked bodies, or none: bodyless DELETE/OPTIONS) by counting while reading.
 *
 * Hono's own `bodyLimit` rebuilds the request with `new Request(c.req.raw, …)`, which Node's
 * Request constructor cannot do from node-server's lightweight request (every request without a
 * Content-Length answered 500). The read body is put into a plain Request built from its parts.
 */
export function bodyLimit(maxBytes: number): MiddlewareHandler {
  return async (c, next) => {
    const raw = c.req.raw;
    if (raw.method === 'GET' || raw.method === 'HEAD' || !raw.body) return next();
    const length = raw.headers.get('content-length');
    if (length !== null && !raw.headers.has('transfer-encoding')) {
      if (Number(length) > maxBytes) throw tooLarge(maxBytes);
      return next();
    }
    const body = await readAtMost(raw.body, maxBytes);
    c.req.raw = new Request(raw.url, {
      method: raw.method,
      headers: raw.headers,
      signal: raw.signal,
      ...(body.byteLength > 0 ? { body } : {}),
    });
    return next();
  };
}
