import { join } from 'node:path';

/** Record ids become file names: a safe, bounded alphabet, never `.`/`..`, never a temp name. */
export const RECORD_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export class InvalidIdError extends Error {
  override readonly name = 'InvalidIdError';
}

export function checkRecordId(id: string, what = 'id'): string {
  if (!RECORD_ID_PATTERN.test(id)) {
    throw new InvalidIdError(
      `${what} ${JSON.stringify(id)} is not valid: use 1–128 letters, digits, "_" or "-", starting with a letter or digit`,
    );
  }
  return id;
}

export function checkOrgId(orgId: number): number {
  if (!Number.isSafeInteger(orgId) || orgId < 0)
    throw new InvalidIdError(`org id ${orgId} is not a whole number`);
  return orgId;
}

/** `<dataDir>/orgs/<org>/<kind>`: every org's state lives apart. */
export function orgDir(dataDir: string, orgId: number, kind: string): string {
  return join(dataDir, 'orgs', String(checkOrgId(orgId)), kind);
}
