import { decode } from '@msgpack/msgpack';
import { classifyQueryError, InfluxError, type InfluxErrorKind } from './errors';
import { formatLine, type LinePoint } from './line-protocol';

/** Token for InfluxDB 2.x/3.x (v1 compatibility API), or user/password for 1.x (or a 2.x v1 authorization). */
export type InfluxAuth = { token: string } | { username: string; password: string };

/**
 * The InfluxDB major version, for how its v1 `/query` API is called (InfluxDB's documented API):
 * 1 and 2 take `POST /query?db=&rp=&epoch=` with `q` in a form body (2.x maps `db`/`rp` to a
 * bucket through its DBRP mappings), a token as `Authorization: Token …`; 3 takes
 * `GET /query?db=&rp=&epoch=&q=` (`db` is the database, a bucket's name), a token as
 * `Authorization: Bearer …`. A username and password go as `Authorization: Basic …` on all three.
 */
export type InfluxApiVersion = 1 | 2 | 3;

/** The version when none is set: a token means 2.x, as before versions could be set. */
export const defaultApiVersion = (auth: InfluxAuth | undefined): InfluxApiVersion =>
  auth && 'token' in auth ? 2 : 1;

export interface InfluxClientOptions {
  /** Base URL, e.g. `http://localhost:8086`. */
  url: string;
  auth?: InfluxAuth;
  /** Default: `defaultApiVersion(auth)`. */
  apiVersion?: InfluxApiVersion;
  /** Per-attempt time limit in ms. */
  timeoutMs?: number;
  /** Extra attempts after a network error or 5xx (never after a 4xx or a timeout). */
  retries?: number;
  /** First backoff in ms; doubles each retry, with jitter. */
  retryBaseMs?: number;
  /**
   * How query results are asked for: `msgpack` (default; InfluxDB encodes it in about half the
   * time of JSON, and a server that cannot answers JSON, which is read as well) or `json`.
   */
  queryFormat?: QueryFormat;
  /**
   * Ask for gzipped answers (default false). Next to InfluxDB, compressing costs more time than it
   * saves: a 10k-point read took 63–74 ms gzipped and 42 ms plain on loopback.
   */
  gzip?: boolean;
}

export type QueryFormat = 'msgpack' | 'json';

const MSGPACK = 'application/x-msgpack';

/** One series of a statement's result, as InfluxDB's JSON gives it. */
export interface InfluxSeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

export interface StatementResult {
  statement_id: number;
  series?: InfluxSeries[];
  error?: string;
  /** True when InfluxDB cut the result short (max-row-limit). */
  partial?: boolean;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface QueryOptions extends RequestOptions {
  /** Sent as `db`: the default database for unqualified names, and the DBRP lookup on 2.x/3.x. */
  database?: string;
  retentionPolicy?: string;
}

export interface WriteOptions extends RequestOptions {
  retentionPolicy?: string;
  /** Points per request. */
  batchSize?: number;
}

const DEFAULTS = {
  timeoutMs: 30_000,
  retries: 2,
  retryBaseMs: 100,
  queryFormat: 'msgpack' as const,
  gzip: false,
};

/** Whether the server chose msgpack for this answer (it may answer JSON whatever was asked). */
function isMsgpack(response: Response): boolean {
  return response.headers.get('content-type')?.startsWith(MSGPACK) === true;
}

/** A `/query` answer in whichever format the server chose. */
async function readBody(response: Response): Promise<unknown> {
  if (isMsgpack(response)) {
    return decode(new Uint8Array(await response.arrayBuffer()));
  }
  return response.json();
}

function authorizationHeader(
  auth: InfluxAuth | undefined,
  version: InfluxApiVersion,
): Record<string, string> {
  if (!auth) return {};
  if ('token' in auth) return { authorization: `${version === 3 ? 'Bearer' : 'Token'} ${auth.token}` };
  return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

async function errorText(response: Response): Promise<string> {
  const bytes = new Uint8Array(await response.arrayBuffer().catch(() => new ArrayBuffer(0)));
  const msgpack = isMsgpack(response);
  const text = msgpack ? '' : new TextDecoder().decode(bytes);
  try {
    const body = (msgpack ? decode(bytes) : JSON.parse(text)) as { error?: unknown; message?: unknown };
    const message = body.error ?? body.message;
    if (typeof message === 'string') return message;
  } catch {
    // not JSON or msgpack: use the text as is
  }
  return text.trim().slice(0, 500) || response.statusText;
}

type Operation = 'query' | 'write';

function kindForStatus(what: Operation, status: number, message: string): InfluxErrorKind {
  if (status === 401) return 'auth';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 408 || status === 504) return 'timeout';
  if (status >= 500) return 'unavailable';
  if (what === 'write' && status === 400) return 'bad-write';
  return classifyQueryError(message);
}

function errorFor(what: Operation, status: number, message: string): InfluxError {
  const kind = kindForStatus(what, status, message);
  const hint =
    kind === 'auth'
      ? ": InfluxDB rejected the scorer's credentials; check INFLUX_TOKEN (2.x/3.x) or INFLUX_USERNAME and INFLUX_PASSWORD (1.x)"
      : '';
  return new InfluxError(kind, `InfluxDB ${what} failed with ${status}: ${message}${hint}`, status);
}

/**
 * A client for InfluxDB's v1 HTTP API (`/query`, `/write`, `/ping`): the one API that 1.x, 2.x
 * (v1 compatibility, token auth) and 3.x all serve. It sends no query text it did not get: build
 * queries with `escape.ts` and `series-query.ts`.
 */
export class InfluxClient {
  readonly url: string;
  private readonly options: Required<Omit<InfluxClientOptions, 'auth' | 'url'>>;
  private readonly headers: Record<string, string>;

  constructor(options: InfluxClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    const apiVersion = options.apiVersion ?? defaultApiVersion(options.auth);
    this.options = {
      apiVersion,
      timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
      retries: options.retries ?? DEFAULTS.retries,
      retryBaseMs: options.retryBaseMs ?? DEFAULTS.retryBaseMs,
      // InfluxDB 3's v1 API documents JSON and CSV answers only.
      queryFormat: options.queryFormat ?? (apiVersion === 3 ? 'json' : DEFAULTS.queryFormat),
      gzip: options.gzip ?? DEFAULTS.gzip,
    };
    // fetch asks for gzip unless told otherwise.
    const encoding = this.options.gzip ? 'gzip' : 'identity';
    this.headers = { ...authorizationHeader(options.auth, apiVersion), 'accept-encoding': encoding };
  }

  /**
   * Runs InfluxQL (`epoch=ms`) and returns every statement's result, errors included. The
   * parameters go in the URL and the text in a form body (as Grafana's InfluxDB data source posts
   * it), or for 3.x everything in the URL of a GET (see `InfluxApiVersion`).
   */
  async query(text: string, options: QueryOptions = {}): Promise<StatementResult[]> {
    const params = new URLSearchParams();
    if (options.database) params.set('db', options.database);
    if (options.retentionPolicy) params.set('rp', options.retentionPolicy);
    params.set('epoch', 'ms');
    const get = this.options.apiVersion === 3;
    if (get) params.set('q', text);
    const headers = this.options.queryFormat === 'msgpack' ? { accept: MSGPACK } : undefined;
    const init = {
      method: get ? 'GET' : 'POST',
      ...(get ? {} : { body: new URLSearchParams({ q: text }) }),
      ...(headers ? { headers } : {}),
    };
    const response = await this.send(`/query?${params}`, init, options.signal, 'query');
    const body = (await readBody(response)) as { results?: StatementResult[]; error?: string };
    if (body.error) throw new InfluxError(classifyQueryError(body.error), `InfluxDB: ${body.error}`, 200);
    return body.results ?? [];
  }

  /**
   * Runs a single statement and returns its series; throws on a statement error. More than one
   * result means the text held several statements, which a built query never does: refuse it.
   */
  async querySeries(text: string, options: QueryOptions = {}): Promise<InfluxSeries[]> {
    const results = await this.query(text, options);
    if (results.length !== 1) {
      throw new InfluxError('bad-query', `expected one statement, InfluxDB ran ${results.length}`);
    }
    const [result] = results as [StatementResult];
    if (result.error)
      throw new InfluxError(classifyQueryError(result.error), `InfluxDB: ${result.error}`, 200);
    return result.series ?? [];
  }

  /** Writes line protocol (`precision=ms`) in batches; points without a writable field are skipped. */
  async write(database: string, points: Iterable<LinePoint>, options: WriteOptions = {}): Promise<number> {
    const batchSize = options.batchSize ?? 5_000;
    let batch: string[] = [];
    let written = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      await this.writeLines(database, batch.join('\n'), options);
      written += batch.length;
      batch = [];
    };
    for (const point of points) {
      const line = formatLine(point);
      if (line !== null) batch.push(line);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    return written;
  }

  /** Writes raw line protocol text. */
  async writeLines(database: string, lines: string, options: WriteOptions = {}): Promise<void> {
    const params = new URLSearchParams({ db: database, precision: 'ms' });
    if (options.retentionPolicy) params.set('rp', options.retentionPolicy);
    const init = { method: 'POST', body: lines, headers: { 'content-type': 'text/plain; charset=utf-8' } };
    const response = await this.send(`/write?${params}`, init, options.signal, 'write');
    await response.body?.cancel();
  }

  /** `/ping`: resolves with the server's version when InfluxDB answers 204. */
  async ping(options: RequestOptions = {}): Promise<{ version: string | null }> {
    const response = await this.send('/ping', { method: 'GET' }, options.signal, 'query');
    await response.body?.cancel();
    return { version: response.headers.get('x-influxdb-version') };
  }

  /** One request with retries: network errors and 5xx are retried with backoff, nothing else. */
  private async send(path: string, init: RequestInit, signal: AbortSignal | undefined, what: Operation) {
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.attempt(path, init, signal, what, attempt);
      if (outcome instanceof Response) return outcome;
      if (!outcome.retryable || attempt >= this.options.retries) throw outcome.error;
      const delay = this.options.retryBaseMs * 2 ** attempt * (0.5 + Math.random() / 2);
      await sleep(delay, signal);
    }
  }

  private async attempt(
    path: string,
    init: RequestInit,
    signal: AbortSignal | undefined,
    what: Operation,
    attempt: number,
  ): Promise<Response | { error: InfluxError; retryable: boolean }> {
    const { timeoutMs } = this.options;
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetch(this.url + path, {
        ...init,
        headers: { ...this.headers, ...(init.headers as Record<string, string> | undefined) },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) {
        const message = `InfluxDB at ${this.url} did not answer within ${timeoutMs} ms`;
        return { error: new InfluxError('timeout', message, undefined, { cause: error }), retryable: false };
      }
      const code = (error as { cause?: { code?: string } }).cause?.code ?? String(error);
      const message = `InfluxDB at ${this.url} is unreachable (${code}) after ${attempt + 1} attempt(s)`;
      return { error: new InfluxError('unavailable', message, undefined, { cause: error }), retryable: true };
    }
    if (response.ok) return response;
    const error = errorFor(what, response.status, await errorText(response));
    return { error, retryable: response.status >= 500 };
  }
}
