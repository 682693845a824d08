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
 * Reads the detectors YAML (`DETECTORS_FILE`): `apiVersion: 1` and a `detectors` list, each a
 * continuous detector definition plus an optional `orgId` (DEFAULT_ORG_ID when absent).
 */
export async function loadProvisionedDetectors(
  path: string,
  defaultOrgId: number,
): Promise<ProvisionedDetector[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ProvisioningError(`cannot read DETECTORS_FILE ${path}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = parse(text) ?? {};
  } catch (error) {
    throw new ProvisioningError(`${path} is not valid YAML: ${(error as Error).message}`);
  }
  const parsed = fileSchema.safeParse(document);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${issuePath(i.path)}: ${i.message}`).join('\n');
    throw new ProvisioningError(`${path} is not a valid detectors file:\n${lines}`);
  }
  const seen = new Set<string>();
  return parsed.data.detectors.map(({ orgId, ...definition }) => {
    const org = orgId ?? defaultOrgId;
    const key = `${org}/${definition.id}`;
    if (seen.has(key))
      throw new ProvisioningError(`${path}: detector id "${definition.id}" appears twice in org ${org}`);
    seen.add(key);
    return { orgId: org, definition };
  });
}
