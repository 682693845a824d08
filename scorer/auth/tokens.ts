import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * Checks presented bearer tokens against the configured ones in constant time: both sides are
 * hashed to 32 bytes (so lengths never leak) and every configured token is compared, match or not.
 */
export function createTokenChecker(tokens: readonly string[]): (presented: string) => boolean {
  const digests = tokens.filter((token) => token.length > 0).map(digest);
  return (presented) => {
    const candidate = digest(presented);
    let match = false;
    for (const expected of digests) match = timingSafeEqual(candidate, expected) || match;
    return match;
  };
}

/** The token from `Authorization: Bearer <token>`, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  return match?.[1] ?? null;
}
