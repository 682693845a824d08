import { Hono } from 'hono';
import { z } from 'zod';
import { InfluxError } from '../influx/errors';
import { createLogger } from '../log';
import { notFound, onError } from './on-error';
import { influxProblem, issuePath, knownProblem, ProblemError, validationProblem } from './problem';
import { validate } from './validate';

describe('problem+json', () => {
  it.each([
    [['query', 'tags', 0, 'key'], 'query.tags[0].key'],
    [[0], '[0]'],
    [[], '(root)'],
  ])('formats the issue path %j as %s', (path, text) => {
    expect(issuePath(path)).toBe(text);
  });

  it('turns zod issues into a 400 that lists them and says how to fix', () => {
    const schema = z.object({ a: z.number(), b: z.array(z.string()) });
    const result = schema.safeParse({ a: 'x', b: [1] });
    const problem = validationProblem(result.error!, 'The request body');
    expect(problem).toMatchObject({ status: 400, slug: 'validation' });
    expect(problem.detail).toMatch(
      /^The request body is not valid: a: .+ \(and 1 more, listed in `errors`\)\. Fix/,
    );
    expect(problem.errors).toEqual([
      { path: 'a', message: expect.any(String) },
      { path: 'b[0]', message: expect.any(String) },
    ]);
  });

  it.each([
    ['bad-query', 400, 'urn:tidemark:problem:influxdb-bad-query', null],
    ['not-found', 404, 'urn:tidemark:problem:influxdb-not-found', null],
    ['forbidden', 403, 'urn:tidemark:problem:influxdb-forbidden', null],
    ['auth', 502, 'urn:tidemark:problem:influxdb-credentials', null],
    ['unavailable', 503, 'urn:tidemark:problem:influxdb-unavailable', '5'],
    ['timeout', 503, 'urn:tidemark:problem:influxdb-unavailable', '5'],
  ] as const)('maps InfluxDB %s to %i', async (kind, status, type, retryAfter) => {
    const problem = influxProblem(new InfluxError(kind, 'InfluxDB said no'));
    const response = new ProblemError(problem).getResponse();
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('retry-after')).toBe(retryAfter);
    const body = (await response.json()) as { type: string; detail: string };
    expect(body.type).toBe(type);
    expect(body.detail).toMatch(/^InfluxDB said no\. \S/);
  });

  it('leaves unknown errors to the generic 500', () => {
    expect(knownProblem(new Error('boom'))).toBeNull();
  });
});

describe('validate and onError (→ problem+json)', () => {
  const lines: string[] = [];
  const app = new Hono();
  app.onError(onError(createLogger('info', (line) => lines.push(line))));
  app.notFound(notFound);
  app.get('/boom', () => {
    throw new Error('secret internals');
  });
  app.post('/things', validate('json', z.object({ n: z.number().int() }).strict()), (c) =>
    c.json(c.req.valid('json')),
  );

  it('answers an unexpected error with a generic 500 and logs it', async () => {
    const response = await app.request('/boom');
    expect(response.status).toBe(500);
    const body = await response.text();
    expect(body).not.toContain('secret internals');
    expect(JSON.parse(body)).toMatchObject({ type: 'urn:tidemark:problem:internal', instance: '/boom' });
    expect(JSON.parse(lines.at(-1) ?? '{}')).toMatchObject({
      level: 'error',
      error: { message: 'secret internals' },
    });
  });

  it('answers unknown routes with a 404 problem', async () => {
    const response = await app.request('/nowhere');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      detail: 'There is no GET /nowhere. The API is described at /openapi.json.',
    });
  });
  const post = (body: string, type = 'application/json') =>
    app.request('/things', { method: 'POST', body, headers: { 'content-type': type } });

  it('passes valid bodies', async () => {
    expect(await (await post('{"n":1}')).json()).toEqual({ n: 1 });
  });

  it.each([
    ['{"n":1.5}', 'n'],
    ['{"n":1,"x":2}', '(root)'],
    ['[]', '(root)'],
  ])('answers %s with a 400 listing the field', async (body, path) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await response.json()) as { errors: Array<{ path: string }> };
    expect(problem.errors[0]?.path).toBe(path);
  });

  it.each([
    ['no Content-Type', {}, /this request has no Content-Type/],
    ['text/plain', { 'content-type': 'text/plain' }, /this request has `Content-Type: text\/plain`/],
    ['form encoding', { 'content-type': 'application/x-www-form-urlencoded' }, /x-www-form-urlencoded/],
  ])(
    'answers a JSON body sent with %s with a 415 that says to send application/json',
    async (_, headers, names) => {
      // A byte body: a string body would get `text/plain` from the Request constructor.
      const body = new TextEncoder().encode('{"n":1}');
      const response = await app.request('/things', { method: 'POST', body, headers });
      expect(response.status).toBe(415);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      const problem = (await response.json()) as { type: string; detail: string };
      expect(problem.type).toBe('urn:tidemark:problem:unsupported-media-type');
      expect(problem.detail).toContain('`Content-Type: application/json`');
      expect(problem.detail).toMatch(names);
    },
  );

  it('takes JSON content types with parameters or a +json suffix', async () => {
    for (const type of ['application/json; charset=utf-8', 'application/merge-patch+json']) {
      expect((await post('{"n":2}', type)).status).toBe(200);
    }
  });

  it('answers malformed JSON with a 400 problem that says what to send', async () => {
    const response = await post('{"n":');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({
      detail: expect.stringMatching(/Malformed JSON.*Content-Type/),
    });
  });
});
