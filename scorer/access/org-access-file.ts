import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { issuePath } from '../http/problem';
import type { OrgGrant } from './org-access';

const name = z.string().min(1, 'must not be empty').max(256);
const credentials = z.union([
  z.object({ token: z.string().min(1) }).strict(),
  z.object({ username: z.string().min(1), password: z.string().min(1) }).strict(),
]);
const fileSchema = z
  .object({
    apiVersion: z.literal(1).default(1),
    orgs: z.array(
      z
        .object({
          orgId: z.number().int().nonnegative(),
          databases: z.union([z.literal('*'), z.array(name)], {
            error: 'expected "*" (every database the credentials reach) or a list of database names',
          }),
          /** The org's own InfluxDB credentials; the scorer's when absent. */
          influx: credentials.optional(),
        })
        .strict(),
    ),
  })
  .strict();

export class OrgAccessFileError extends Error {
  override readonly name = 'OrgAccessFileError';
}

/**
 * Reads `ORG_ACCESS_FILE` (YAML or JSON): `apiVersion: 1` and `orgs`, each an `orgId`, the
 * `databases` it may use (`"*"` or names) and optionally its own `influx` credentials. The file
 * holds secrets when it has credentials: its errors never quote values.
 */
export async function loadOrgAccessFile(path: string): Promise<Map<number, OrgGrant>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new OrgAccessFileError(`cannot read ORG_ACCESS_FILE ${path}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = parse(text) ?? {};
  } catch (error) {
    const line = (error as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line;
    throw new OrgAccessFileError(`${path} is not valid YAML${line ? ` (line ${line})` : ''}`);
  }
  const parsed = fileSchema.safeParse(document);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${issuePath(i.path)}: ${i.message}`).join('\n');
    throw new OrgAccessFileError(`${path} is not a valid org access file:\n${lines}`);
  }
  const grants = new Map<number, OrgGrant>();
  for (const org of parsed.data.orgs) {
    if (grants.has(org.orgId)) throw new OrgAccessFileError(`${path}: org ${org.orgId} appears twice`);
    grants.set(org.orgId, { databases: org.databases, ...(org.influx ? { influx: org.influx } : {}) });
  }
  return grants;
}
