import { Hono } from 'hono';
import {
  createSigningKey,
  grafanaClaims,
  type JwksServer,
  signIdToken,
  startJwksServer,
} from '../test/grafana-jwks';
import { JwksCache } from './jwks';
import { type AuthEnv, type AuthOptions, authenticate, requireRole } from './middleware';
import { createTokenChecker } from './tokens';

const key = createSigningKey('grafana-key');
const TOKEN = 'scorer-token-0123456789';
let grafana: JwksServer;

beforeAll(async () => {
  grafana = await startJwksServer([key]);
});
afterAll(() => grafana.close());

function appWith(overrides: Partial<AuthOptions> = {}) {
  const app = new Hono<AuthEnv>();
  app.use(
    authenticate({
      checkToken: createTokenChecker([TOKEN]),
      idToken: {
        jwks: new JwksCache({ url: grafana.keysUrl, minRefetchIntervalMs: 0 }),
        issuer: grafana.url,
      },
      requireIdToken: false,
      defaultRole: 'Editor',
      tokenOnlyRole: 'Viewer',
      defaultOrgId: 1,
      ...overrides,
    }),
  );
  app.get('/things', requireRole('Viewer'), (c) => c.json(c.get('caller')));
  app.post('/things', requireRole('Editor'), (c) => c.json(c.get('caller')));
  app.delete('/things', requireRole('Admin'), (c) => c.json(c.get('caller')));
  return app;
}

const idToken = (claims: Record<string, unknown> = {}) =>
  signIdToken(key, grafanaClaims(grafana.url, claims));
const headers = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${TOKEN}`, ...extra });

async function expectProblem(response: Response, status: number, detail: RegExp) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const body = (await response.json()) as { status: number; detail: string; type: string };
  expect(body.status).toBe(status);
  expect(body.detail).toMatch(detail);
  return body;
}

describe('authenticate', () => {
  it('refuses a request without a bearer token, with WWW-Authenticate and a problem+json body', async () => {
    const response = await appWith().request('/things');
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="tidemark"');
    const body = await expectProblem(
      response,
      401,
      /Missing `Authorization: Bearer <token>`.*shows as a 400/,
    );
    expect(body.type).toBe('urn:tidemark:problem:unauthorized');
  });

  it('refuses a wrong bearer token even with a valid ID token', async () => {
    const response = await appWith().request('/things', {
      headers: { authorization: 'Bearer wrong', 'x-grafana-id': idToken() },
    });
    await expectProblem(response, 401, /not one of the scorer tokens/);
  });

  it('without an ID token, identifies the caller by token as a Viewer of the default org', async () => {
    const response = await appWith().request('/things', { headers: headers() });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      orgId: 1,
      subject: null,
      login: null,
      role: 'Viewer',
      via: 'token',
    });
  });

  it('refuses writes by the bearer token alone, saying how to send an ID token', async () => {
    const response = await appWith().request('/things', { method: 'POST', headers: headers() });
    await expectProblem(response, 403, /you are Viewer.*no X-Grafana-Id.*TOKEN_ONLY_ROLE/);
  });

  it('lets the bearer token alone write only when TOKEN_ONLY_ROLE says so', async () => {
    const app = appWith({ tokenOnlyRole: 'Editor' });
    expect((await app.request('/things', { method: 'POST', headers: headers() })).status).toBe(200);
    expect((await app.request('/things', { method: 'DELETE', headers: headers() })).status).toBe(403);
  });

  it('with a valid ID token, takes org, user and role from it', async () => {
    const token = idToken({ aud: ['org:5'], sub: 'user:9', role: 'Viewer', login: 'ann' });
    const response = await appWith().request('/things', { headers: headers({ 'x-grafana-id': token }) });
    expect(await response.json()).toEqual({
      orgId: 5,
      subject: 'user:9',
      login: 'ann',
      role: 'Viewer',
      via: 'id-token',
    });
  });

  it.each([
    ['expired', () => idToken({ exp: Math.floor(Date.now() / 1000) - 120 }), /has expired/],
    [
      'wrongly signed',
      () => signIdToken(createSigningKey('grafana-key'), grafanaClaims(grafana.url)),
      /signature/,
    ],
    [
      'with an unknown kid',
      () => signIdToken(createSigningKey('rotated-away'), grafanaClaims(grafana.url)),
      /not in/,
    ],
  ])('refuses an ID token that is %s (401)', async (_name, token, detail) => {
    const response = await appWith().request('/things', { headers: headers({ 'x-grafana-id': token() }) });
    await expectProblem(response, 401, detail);
  });

  it('refuses an ID token for another org than the one Grafana routes for (403)', async () => {
    const response = await appWith().request('/things', {
      headers: headers({ 'x-grafana-id': idToken({ aud: ['org:2'] }), 'x-grafana-org-id': '1' }),
    });
    await expectProblem(response, 403, /X-Grafana-Org-Id is 1 but the ID token is for org 2/);
  });

  it('accepts the ID token when the routed org matches', async () => {
    const response = await appWith().request('/things', {
      headers: headers({ 'x-grafana-id': idToken({ aud: ['org:2'] }), 'x-grafana-org-id': '2' }),
    });
    expect(await response.json()).toMatchObject({ orgId: 2 });
  });

  it('requires the ID token when configured to', async () => {
    const app = appWith({ requireIdToken: true });
    await expectProblem(
      await app.request('/things', { headers: headers() }),
      401,
      /X-Grafana-Id is required/,
    );
    const ok = await app.request('/things', { headers: headers({ 'x-grafana-id': idToken() }) });
    expect(ok.status).toBe(200);
  });

  it("answers 503 when Grafana's keys cannot be fetched", async () => {
    grafana.failWith = 502;
    try {
      const response = await appWith().request('/things', {
        headers: headers({
          'x-grafana-id': signIdToken(createSigningKey('new'), grafanaClaims(grafana.url)),
        }),
      });
      await expectProblem(response, 503, /signing keys could not be fetched.*Check GRAFANA_URL/);
    } finally {
      grafana.failWith = null;
    }
  });
});

describe('role gates: Viewer reads, Editor trains and manages, Admin deletes', () => {
  const cases: Array<[string, 'GET' | 'POST' | 'DELETE', number]> = [];
  const allowed = { None: [], Viewer: ['GET'], Editor: ['GET', 'POST'], Admin: ['GET', 'POST', 'DELETE'] };
  for (const [role, methods] of Object.entries(allowed)) {
    for (const method of ['GET', 'POST', 'DELETE'] as const) {
      cases.push([role, method, (methods as string[]).includes(method) ? 200 : 403]);
    }
  }

  it.each(cases)('%s %s → %i', async (role, method, status) => {
    const response = await appWith().request('/things', {
      method,
      headers: headers({ 'x-grafana-id': idToken({ role }) }),
    });
    expect(response.status).toBe(status);
    if (status === 403)
      await expectProblem(response, 403, new RegExp(`needs the \\w+ role in Grafana; you are ${role}`));
  });

  it('an ID token without a role claim gets the default role', async () => {
    const response = await appWith({ defaultRole: 'Viewer' }).request('/things', {
      method: 'POST',
      headers: headers({ 'x-grafana-id': idToken({ role: undefined }) }),
    });
    await expectProblem(response, 403, /you are Viewer/);
  });
});
