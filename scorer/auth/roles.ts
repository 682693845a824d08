/** Grafana org roles, weakest first. `None` (a Grafana user without a basic role) may do nothing. */
export const ROLES = ['None', 'Viewer', 'Editor', 'Admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Whether `role` may do what `required` may. */
export function roleAtLeast(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}

/** Who is calling: resolved by the auth middleware for every request. */
export interface Caller {
  /** Grafana org; all state is kept apart per org. */
  orgId: number;
  /** Grafana identity such as `user:1` (ID token `sub`), or null when only the bearer token was checked. */
  subject: string | null;
  login: string | null;
  role: Role;
  /** What established the identity. */
  via: 'id-token' | 'token';
}
