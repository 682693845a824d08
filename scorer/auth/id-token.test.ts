import {
  createSigningKey,
  grafanaClaims,
  type JwksServer,
  signIdToken,
  startJwksServer,
} from '../test/grafana-jwks';
import { IdTokenError, verifyIdToken } from './id-token';
import { JwksCache } from './jwks';

const key = createSigningKey('key-1');
const other = createSigningKey('key-1'); // same kid, different key: a forged token
let grafana: JwksServer;

beforeAll(async () => {
  grafana = await startJwksServer([key]);
});
afterAll(() => grafana.close());

const options = (minRefetchIntervalMs = 0) => ({
  jwks: new JwksCache({ url: grafana.keysUrl, minRefetchIntervalMs }),
  issuer: grafana.url,
});

describe('Grafana ID tokens against a real JWKS endpoint', () => {
  it('accepts a valid token and reads org, subject, login and role', async () => {
    const token = signIdToken(
      key,
      grafanaClaims(grafana.url, { aud: ['org:7'], sub: 'user:42', role: 'Editor' }),
    );
    await expect(verifyIdToken(token, options())).resolves.toEqual({
      orgId: 7,
      subject: 'user:42',
      login: 'admin',
      role: 'Editor',
    });
  });

  it('accepts `aud` as a plain string, an issuer without the trailing slash, and no role', async () => {
    const claims = grafanaClaims(grafana.url.replace(/\/$/, ''), { aud: 'org:3', role: undefined });
    await expect(verifyIdToken(signIdToken(key, claims), options())).resolves.toMatchObject({
      orgId: 3,
      role: null,
    });
  });

  const now = Math.floor(Date.now() / 1000);
  it.each([
    ['expired', () => signIdToken(key, grafanaClaims(grafana.url, { exp: now - 60 })), /has expired/],
    ['without exp', () => signIdToken(key, grafanaClaims(grafana.url, { exp: undefined })), /no `exp`/],
    [
      'not yet valid',
      () => signIdToken(key, grafanaClaims(grafana.url, { nbf: now + 600 })),
      /not valid yet/,
    ],
    ['signed by another key', () => signIdToken(other, grafanaClaims(grafana.url)), /signature is invalid/],
    ['tampered', () => tamper(signIdToken(key, grafanaClaims(grafana.url))), /signature is invalid/],
    [
      'with an unknown kid',
      () => signIdToken(createSigningKey('nope'), grafanaClaims(grafana.url)),
      /"nope" is not/,
    ],
    ['from another issuer', () => signIdToken(key, grafanaClaims('http://evil.example/')), /issued by/],
    [
      'without an org audience',
      () => signIdToken(key, grafanaClaims(grafana.url, { aud: ['api'] })),
      /org:<id>/,
    ],
    ['without sub', () => signIdToken(key, grafanaClaims(grafana.url, { sub: '' })), /no `sub`/],
    [
      'with a bogus role',
      () => signIdToken(key, grafanaClaims(grafana.url, { role: 'Root' })),
      /unknown role/,
    ],
    ['with alg none', () => signIdToken(key, grafanaClaims(grafana.url), { alg: 'none' }), /not ES256/],
    ['with alg HS256', () => signIdToken(key, grafanaClaims(grafana.url), { alg: 'HS256' }), /not ES256/],
    ['without kid', () => signIdToken(key, grafanaClaims(grafana.url), { kid: undefined }), /no `kid`/],
    ['that is not a JWT', () => 'not-a-jwt', /not a JWT/],
    ['with a garbage header', () => '!!!.e30.AAAA', /header is not base64url JSON/],
  ])('refuses a token %s', async (_name, makeToken, message) => {
    const error = await verifyIdToken(makeToken(), options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdTokenError);
    expect((error as Error).message).toMatch(message);
  });

  it('caches keys by kid, refetches on a miss (key rotation), and rate-limits refetches', async () => {
    const rotated = createSigningKey('key-2');
    const opts = options(60_000);
    const before = grafana.hits;
    await verifyIdToken(signIdToken(key, grafanaClaims(grafana.url)), opts);
    await verifyIdToken(signIdToken(key, grafanaClaims(grafana.url)), opts);
    expect(grafana.hits - before).toBe(1);

    // A new key appears, but the last fetch was just now: the miss may not refetch yet.
    grafana.keys = [key, rotated];
    await expect(verifyIdToken(signIdToken(rotated, grafanaClaims(grafana.url)), opts)).rejects.toThrow(
      /not in/,
    );
    expect(grafana.hits - before).toBe(1);

    const fresh = options(0);
    const token = signIdToken(rotated, grafanaClaims(grafana.url));
    await Promise.all([
      verifyIdToken(token, fresh),
      verifyIdToken(token, fresh),
      verifyIdToken(token, fresh),
    ]);
    expect(fresh.jwks.fetches).toBe(1); // concurrent misses share one fetch
    grafana.keys = [key];
  });

  it('reports an unreachable key endpoint as an error other than a refused token', async () => {
    grafana.failWith = 500;
    try {
      const error = await verifyIdToken(signIdToken(key, grafanaClaims(grafana.url)), options()).catch(
        (e) => e,
      );
      expect(error).not.toBeInstanceOf(IdTokenError);
      expect(String(error)).toMatch(/gave 500/);
    } finally {
      grafana.failWith = null;
    }
  });
});

function tamper(token: string): string {
  const [header, , signature] = token.split('.');
  const payload = Buffer.from(JSON.stringify(grafanaClaims(grafana.url, { role: 'Admin', aud: ['org:2'] })));
  return `${header}.${payload.toString('base64url')}.${signature}`;
}
