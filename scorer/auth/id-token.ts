import { verify } from 'node:crypto';
import type { JwksCache } from './jwks';
import { type Caller, isRole } from './roles';

/** Why an ID token was refused; the message is safe to show to the caller. */
export class IdTokenError extends Error {
  override readonly name = 'IdTokenError';
}

export interface IdTokenOptions {
  jwks: JwksCache;
  /** Expected `iss`: Grafana's root URL (`root_url`), compared without a trailing slash. */
  issuer: string;
  /** Allowed clock difference in seconds. */
  clockToleranceSec?: number;
  now?: () => number;
}

interface IdClaims {
  iss?: unknown;
  sub?: unknown;
  aud?: unknown;
  exp?: unknown;
  nbf?: unknown;
  role?: unknown;
  login?: unknown;
  username?: unknown;
}

function decodeSegment(segment: string, what: string): Record<string, unknown> {
  try {
    const value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new IdTokenError(`the ID token's ${what} is not base64url JSON`);
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** `aud` is `org:<id>` (a string, or a one-element array as Grafana's go-jose writes it). */
function orgFromAudience(aud: unknown): number {
  const values = Array.isArray(aud) ? aud : [aud];
  for (const value of values) {
    const match = typeof value === 'string' ? /^org:(\d+)$/.exec(value) : null;
    if (match) return Number(match[1]);
  }
  throw new IdTokenError('the ID token has no `aud` of the form org:<id>');
}

function checkTimes(claims: IdClaims, now: number, tolerance: number): void {
  if (typeof claims.exp !== 'number') throw new IdTokenError('the ID token has no `exp`');
  if (claims.exp + tolerance <= now) throw new IdTokenError('the ID token has expired');
  if (typeof claims.nbf === 'number' && claims.nbf - tolerance > now) {
    throw new IdTokenError('the ID token is not valid yet');
  }
}

/**
 * Verifies Grafana's `X-Grafana-Id` token (ES256 JWT) and reads the caller from it:
 * signature against the JWKS, `exp`/`nbf`, `iss`; `aud` `org:<id>` → org, `sub` → subject,
 * `role` (newer Grafana) → role. A token without `role` yields role `null`: the caller decides.
 */
export async function verifyIdToken(
  token: string,
  options: IdTokenOptions,
): Promise<Omit<Caller, 'role' | 'via'> & { role: Caller['role'] | null }> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new IdTokenError('the ID token is not a JWT (header.payload.signature)');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeSegment(headerPart, 'header');
  if (header.alg !== 'ES256')
    throw new IdTokenError(`the ID token is signed with ${String(header.alg)}, not ES256`);
  if (typeof header.kid !== 'string') throw new IdTokenError('the ID token has no `kid`');
  const key = await options.jwks.get(header.kid);
  if (!key) throw new IdTokenError(`the ID token's signing key "${header.kid}" is not in Grafana's key set`);
  const signature = Buffer.from(signaturePart, 'base64url');
  const signed = Buffer.from(`${headerPart}.${payloadPart}`, 'ascii');
  const valid =
    signature.length === 64 && verify('sha256', signed, { key, dsaEncoding: 'ieee-p1363' }, signature);
  if (!valid) throw new IdTokenError('the ID token signature is invalid');

  const claims = decodeSegment(payloadPart, 'payload') as IdClaims;
  const now = (options.now?.() ?? Date.now()) / 1000;
  checkTimes(claims, now, options.clockToleranceSec ?? 30);
  if (typeof claims.iss !== 'string' || trimSlash(claims.iss) !== trimSlash(options.issuer)) {
    throw new IdTokenError(`the ID token was issued by ${JSON.stringify(claims.iss)}, not ${options.issuer}`);
  }
  const orgId = orgFromAudience(claims.aud);
  if (typeof claims.sub !== 'string' || claims.sub === '')
    throw new IdTokenError('the ID token has no `sub`');
  if (claims.role !== undefined && !isRole(claims.role)) {
    throw new IdTokenError(`the ID token has an unknown role ${JSON.stringify(claims.role)}`);
  }
  const login =
    typeof claims.login === 'string'
      ? claims.login
      : typeof claims.username === 'string'
        ? claims.username
        : null;
  return { orgId, subject: claims.sub, login, role: claims.role ?? null };
}
