import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An ES256 signing key like Grafana's, with its public JWK. */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  jwk: Record<string, unknown>;
}

export function createSigningKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' } };
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signs claims as Grafana does for `X-Grafana-Id`; `header` overrides fields of the JOSE header. */
export function signIdToken(
  key: SigningKey,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
) {
  const signingInput = `${encode({ alg: 'ES256', kid: key.kid, typ: 'jwt', ...header })}.${encode(claims)}`;
  const signature = sign('sha256', Buffer.from(signingInput), {
    key: key.privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** Grafana-style claims for a user of an org, valid for 10 minutes from now. */
export function grafanaClaims(issuer: string, overrides: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: issuer,
    sub: 'user:1',
    aud: ['org:1'],
    exp: now + 600,
    iat: now,
    namespace: 'default',
    type: 'user',
    login: 'admin',
    role: 'Admin',
    ...overrides,
  };
}

/** A real HTTP server on loopback serving `/api/signing-keys/keys`, like Grafana's. */
export interface JwksServer {
  /** Plays the Grafana root URL. */
  readonly url: string;
  readonly keysUrl: string;
  keys: SigningKey[];
  /** Requests to the keys endpoint so far. */
  readonly hits: number;
  /** Answer the keys endpoint with this status instead (e.g. 500), or null to serve keys. */
  failWith: number | null;
  close(): Promise<void>;
}

export async function startJwksServer(keys: SigningKey[]): Promise<JwksServer> {
  let hits = 0;
  const state = { keys, failWith: null as number | null };
  const server = createServer((req, res) => {
    if (req.url !== '/api/signing-keys/keys') {
      res.writeHead(404).end();
      return;
    }
    hits++;
    if (state.failWith !== null) {
      res.writeHead(state.failWith).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: state.keys.map((key) => key.jwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    keysUrl: `${url}api/signing-keys/keys`,
    get keys() {
      return state.keys;
    },
    set keys(next) {
      state.keys = next;
    },
    get failWith() {
      return state.failWith;
    },
    set failWith(next) {
      state.failWith = next;
    },
    get hits() {
      return hits;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
