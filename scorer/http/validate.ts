import { zValidator } from '@hono/zod-validator';
import type { Context, ValidationTargets } from 'hono';
import { z } from 'zod';
import { ProblemError, validationProblem } from './problem';

const WHERE: Record<keyof ValidationTargets, string> = {
  json: 'The request body',
  form: 'The form body',
  query: 'The query string',
  param: 'The URL path',
  header: 'The request headers',
  cookie: 'The cookies',
};

/**
 * JSON.parse keeps `"__proto__"` as an own key, and building an object from it would replace that
 * object's prototype: such keys are refused anywhere in a body (walked iteratively: bodies can be deep).
 */
function hasProtoKey(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (next === null || typeof next !== 'object') continue;
    if (!Array.isArray(next) && Object.hasOwn(next, '__proto__')) return true;
    for (const child of Object.values(next)) stack.push(child);
  }
  return false;
}

export const noProtoKeys = <S extends z.ZodType>(schema: S) =>
  z.preprocess((value, ctx) => {
    if (hasProtoKey(value)) {
      ctx.addIssue({ code: 'custom', message: 'keys named "__proto__" are never valid here; remove them' });
    }
    return value;
  }, schema);

/** What Hono's validator reads as JSON: `application/json` or `application/<x>+json`, any parameters. */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/**
 * Hono reads a body sent without a JSON content type as `{}`, which zod would report as a list
 * of missing fields: say what is actually wrong instead.
 */
export function requireJsonContentType(c: Context): void {
  const contentType = c.req.header('content-type') ?? '';
  if (JSON_MEDIA_TYPE.test(contentType.split(';')[0]?.trim() ?? '')) return;
  throw new ProblemError({
    status: 415,
    slug: 'unsupported-media-type',
    title: 'Unsupported media type',
    detail: `The body must be JSON sent with \`Content-Type: application/json\`; this request has ${
      contentType ? `\`Content-Type: ${contentType.slice(0, 100)}\`` : 'no Content-Type'
    }.`,
  });
}

/**
 * `zValidator` whose failures become 400 problem+json listing every zod issue; a JSON body sent
 * without a JSON content type is a 415.
 */
export function validate<Target extends keyof ValidationTargets, S extends z.ZodType>(
  target: Target,
  schema: S,
) {
  const checked = (target === 'json' ? noProtoKeys(schema) : schema) as S;
  return zValidator(target, checked, (result, c) => {
    if (target === 'json') requireJsonContentType(c);
    if (!result.success) {
      throw new ProblemError(validationProblem(result.error as unknown as z.ZodError, WHERE[target]));
    }
  });
}
