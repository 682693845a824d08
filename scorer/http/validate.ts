import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';
import { ProblemError, validationProblem } from './problem';

const WHERE: Record<keyof ValidationTargets, string> = {
  json: 'The request body',
  form: 'The form body',
  query: 'The query string',
  param: 'The URL path',
  header: 'The request headers',
  cookie: 'The cookies',
};

/** `zValidator` whose failures become 400 problem+json listing every zod issue. */
export function validate<Target extends keyof ValidationTargets, S extends z.ZodType>(
  target: Target,
  schema: S,
) {
  return zValidator(target, schema, (result) => {
    if (!result.success)
      throw new ProblemError(validationProblem(result.error as unknown as z.ZodError, WHERE[target]));
  });
}
