import type { MiddlewareHandler } from 'hono';
import { ProblemError } from '../http/problem';
import { type IdTokenOptions, verifyIdToken } from './id-token';
import { type Caller, type Role, roleAtLeast } from './roles';
import { bearerToken } from './tokens';

export type AuthEnv = { Variables: { caller: Caller } };

export interface AuthOptions {
  /** Constant-time check of the bearer token (see tokens.ts). */
  checkToken: (token: string) => boolean;
  /** Set when GRAFANA_URL is configured: `X-Grafana-Id` is then verified when present. */
  idToken?: IdTokenOptions;
  /** Refuse requests without a valid `X-Grafana-Id`. */
  requireIdToken: boolean;
  /** Role for verified ID tokens without a `role` claim. */
  defaultRole: Role;
  /** Role for callers known only by the bearer token (no `X-Grafana-Id`): Viewer unless the operator says otherwise. */
  tokenOnlyRole: Role;
  /** Org for callers known only by the bearer token. */
  defaultOrgId: number;
}

// Grafana's proxy answers the browser 400 for an upstream 401, so the detail must stand alone.
const GRAFANA_401_NOTE = '(Through Grafana this shows as a 400 from the data source proxy.)';

function unauthorized(detail: string): ProblemError {
  return new ProblemError({
    status: 401,
    slug: 'unauthorized',
    title: 'Unauthorized',
    detail: `${detail} ${GRAFANA_401_NOTE}`,
    headers: { 'www-authenticate': 'Bearer realm="tidemark"' },
  });
}

async function callerFromIdToken(token: string, options: AuthOptions, orgHeader: string | undefined) {
  if (!options.idToken) return null;
  let verified: Awaited<ReturnType<typeof verifyIdToken>>;
  try {
    verified = await verifyIdToken(token, options.idToken);
  } catch (error) {
    if (error instanceof Error && error.name === 'IdTokenError') {
      throw unauthorized(`X-Grafana-Id was refused: ${error.message}. Sign in to Grafana again.`);
    }
    throw new ProblemError({
      status: 503,
      slug: 'grafana-unavailable',
      title: 'Cannot verify the Grafana ID token',
      detail: `Grafana's signing keys could not be fetched (${String(error)}). Check GRAFANA_URL and that Grafana is up.`,
      headers: { 'retry-after': '5' },
    });
  }
  // Grafana's proxy also sends the org it routes for: it must be the org the token was issued for.
  if (orgHeader !== undefined && orgHeader !== String(verified.orgId)) {
    throw new ProblemError({
      status: 403,
      slug: 'forbidden',
      title: 'Wrong organization',
      detail: `X-Grafana-Org-Id is ${orgHeader} but the ID token is for org ${verified.orgId}. Switch org in Grafana and retry.`,
    });
  }
  const caller: Caller = { ...verified, role: verified.role ?? options.defaultRole, via: 'id-token' };
  return caller;
}

/**
 * Requires `Authorization: Bearer <configured token>`, then identifies the caller from
 * `X-Grafana-Id` (when Grafana's URL is configured) and stores it as `c.get('caller')`.
 */
export function authenticate(options: AuthOptions): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    if (!token) {
      throw unauthorized(
        'Missing `Authorization: Bearer <token>`. Set the scorer token in the Tidemark data source settings.',
      );
    }
    if (!options.checkToken(token)) {
      throw unauthorized(
        'The bearer token is not one of the scorer tokens (TIDEMARK_TOKENS). Fix it in the data source settings.',
      );
    }
    const idToken = c.req.header('x-grafana-id');
    const fromIdToken = idToken
      ? await callerFromIdToken(idToken, options, c.req.header('x-grafana-org-id'))
      : null;
    if (!fromIdToken && options.requireIdToken) {
      throw unauthorized(
        'X-Grafana-Id is required (REQUIRE_ID_TOKEN) but missing or not verifiable. Enable the idForwarding feature in Grafana.',
      );
    }
    c.set(
      'caller',
      fromIdToken ?? {
        orgId: options.defaultOrgId,
        subject: null,
        login: null,
        role: options.tokenOnlyRole,
        via: 'token',
      },
    );
    await next();
  };
}

/** Viewers score and read, Editors train and manage detectors, Admins delete. */
export function requireRole(required: Role): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const caller = c.get('caller');
    if (!roleAtLeast(caller.role, required)) {
      // Without an ID token the role is TOKEN_ONLY_ROLE, not the user's: say how to get the real one.
      const fix =
        caller.via === 'token'
          ? "The request has no X-Grafana-Id, so it counts as TOKEN_ONLY_ROLE: enable Grafana's idForwarding and set GRAFANA_URL, or (trusted callers only) raise TOKEN_ONLY_ROLE."
          : 'Ask an org admin for access.';
      throw new ProblemError({
        status: 403,
        slug: 'forbidden',
        title: 'Forbidden',
        detail: `This needs the ${required} role in Grafana; you are ${caller.role}. ${fix}`,
      });
    }
    await next();
  };
}
