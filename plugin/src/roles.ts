import { config } from '@grafana/runtime';

/** The org roles the scorer knows, lowest first; Grafana's `None` may do nothing. */
export type OrgRole = 'None' | 'Viewer' | 'Editor' | 'Admin';

const RANK: Record<OrgRole, number> = { None: 0, Viewer: 1, Editor: 2, Admin: 3 };

/**
 * What the signed-in user may do on the app page, from Grafana's documented boot data
 * (`config.bootData.user.orgRole`). The buttons follow it; the data source's proxy routes and the
 * scorer check the same roles again, so hiding a button is a courtesy, not the guard.
 */
export interface Permissions {
  role: OrgRole;
  /** Editors train, roll back, define detectors, run backtests, mark and plan maintenance. */
  canEdit: boolean;
  /** Admins also delete models and detectors. */
  canDelete: boolean;
}

export function permissionsOf(role: string | undefined): Permissions {
  const known: OrgRole = role && role in RANK ? (role as OrgRole) : 'None';
  return { role: known, canEdit: RANK[known] >= RANK.Editor, canDelete: RANK[known] >= RANK.Admin };
}

export function currentPermissions(): Permissions {
  return permissionsOf(config.bootData?.user?.orgRole);
}
