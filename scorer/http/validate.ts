import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
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

const noProtoKeys = <S extends z.ZodType>(schema: S) =>
  z.preprocess((value, ctx) => {
    if (hasProtoKey(value)) {
      ctx.addIssue({ code: 'custom', message: 'keys named "__proto__" are never valid here; remove them' });
    }
    return value;
  }, schema);

/** `zValidator` whose failures become 400 problem+json listing every zod issue. */
export function validate<Target extends keyof ValidationTargets, S extends z.ZodType>(
  target: Target,
  schema: S,
) {
  const checked = (target === 'json' ? noProtoKeys(schema) : schema) as S;
  return zValidator(target, checked, (result) => {
    if (!result.success) {
      throw new ProblemError(validationProblem(result.error as unknown as z.ZodError, WHERE[target]));
    }
  });
}
