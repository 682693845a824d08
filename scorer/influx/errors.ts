/** What went wrong talking to InfluxDB, and the HTTP status the scorer answers with because of it. */
export type InfluxErrorKind =
  | 'bad-query' // InfluxDB rejected the query (400): the request asked for something invalid
  | 'bad-write' // InfluxDB rejected written points (400)
  | 'not-found' // database or retention policy does not exist (404)
  | 'auth' // InfluxDB rejected the scorer's credentials: a scorer configuration problem (502)
  | 'forbidden' // the credentials are valid but may not read/write that database (403)
  | 'unavailable' // unreachable, connection reset or 5xx after retries (503)
  | 'timeout'; // no answer within the configured time (503)

const STATUS: Record<InfluxErrorKind, number> = {
  'bad-query': 400,
  'bad-write': 400,
  'not-found': 404,
  auth: 502,
  forbidden: 403,
  unavailable: 503,
  timeout: 503,
};

export class InfluxError extends Error {
  override readonly name = 'InfluxError';
  /** The status the scorer should answer with (400 client's fault, 5xx InfluxDB's or ours). */
  readonly status: number;

  constructor(
    readonly kind: InfluxErrorKind,
    message: string,
    /** The status InfluxDB answered with, when it answered. */
    readonly influxStatus?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.status = STATUS[kind];
  }

  /** Whether trying again later may succeed. */
  get retryable(): boolean {
    return this.kind === 'unavailable' || this.kind === 'timeout';
  }
}

/** A value that cannot be written as line protocol (e.g. a newline in a tag value). */
export class LineProtocolError extends Error {
  override readonly name = 'LineProtocolError';
}

/** Maps an error InfluxDB reported for a query statement (HTTP 200 or 400) to a kind. */
export function classifyQueryError(message: string): InfluxErrorKind {
  if (/database not found|retention policy not found/i.test(message)) return 'not-found';
  if (/timeout|timed out|query (killed|interrupted)/i.test(message)) return 'timeout';
  if (/not authorized|authoriz|permission/i.test(message)) return 'forbidden';
  return 'bad-query';
}
