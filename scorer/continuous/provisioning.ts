import { readFile } from 'node:fs/promises';
import { type ContinuousDetectorDefinition, continuousDetectorInputSchema } from '@tidemark/core';
import { parse } from 'yaml';
import { z } from 'zod';
import { issuePath } from '../http/problem';

/** A detector from the provisioning file, with the Grafana org it belongs to. */
export interface ProvisionedDetector {
  orgId: number;
  definition: ContinuousDetectorDefinition;
}

const fileSchema = z
  .object({
    apiVersion: z.literal(1).default(1),
    detectors: z
      .array(continuousDetectorInputSchema.extend({ orgId: z.number().int().nonnegative().optional() }))
      .default([]),
  })
  .strict();

export class ProvisioningError extends Error {
  override readonly name = 'ProvisioningError';
}

/**
 * Reads and validates a provisioning YAML file (`setting` names its environment variable, `what`
 * the kind of file in messages); every problem is listed in the ProvisioningError.
 */
export async function readProvisioningFile<S extends z.ZodType>(
  path: string,
  setting: string,
  schema: S,
  what: string,
): Promise<z.output<S>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ProvisioningError(`cannot read ${setting} ${path}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = parse(text) ?? {};
  } catch (error) {
    throw new ProvisioningError(`${path} is not valid YAML: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(document);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${issuePath(i.path)}: ${i.message}`).join('\n');
    throw new ProvisioningError(`${path} is not a valid ${what} file:\n${lines}`);
  }
  return parsed.data;
}

/** Each entry's org (DEFAULT_ORG_ID when absent), refusing an id that appears twice in one org. */
export function byOrg<T extends { id: string }>(
  path: string,
  entries: Array<T & { orgId?: number | undefined }>,
  defaultOrgId: number,
  what: string,
): Array<{ orgId: number; entry: T }> {
  const seen = new Set<string>();
  return entries.map(({ orgId, ...rest }) => {
    const entry = rest as unknown as T;
    const org = orgId ?? defaultOrgId;
    const key = `${org}/${entry.id}`;
    if (seen.has(key))
      throw new ProvisioningError(`${path}: ${what} id "${entry.id}" appears twice in org ${org}`);
    seen.add(key);
    return { orgId: org, entry };
  });
}

/**
 * Reads the detectors YAML (`DETECTORS_FILE`): `apiVersion: 1` and a `detectors` list, each a
 * continuous detector definition plus an optional `orgId` (DEFAULT_ORG_ID when absent).
 */
export async function loadProvisionedDetectors(
  path: string,
  defaultOrgId: number,
): Promise<ProvisionedDetector[]> {
  const file = await readProvisioningFile(path, 'DETECTORS_FILE', fileSchema, 'detectors');
  return byOrg(path, file.detectors, defaultOrgId, 'detector').map(({ orgId, entry }) => ({
    orgId,
    definition: entry,
  }));
}
