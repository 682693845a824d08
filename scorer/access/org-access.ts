import { type InfluxAuth, InfluxClient, type InfluxClientOptions } from '../influx/client';

/** The org in Grafana that may read everything the scorer's credentials reach when nothing is configured. */
export const GRAFANA_DEFAULT_ORG = 1;

/** What one org may use: databases (`*` = every one the credentials reach) and, optionally, its own credentials. */
export interface OrgGrant {
  databases: '*' | readonly string[];
  influx?: InfluxAuth;
}

/** Why an org may not read or write a database; the message is safe to show and names the setting. */
export class OrgAccessError extends Error {
  override readonly name = 'OrgAccessError';
}

const SETTING = 'ORG_ACCESS_FILE';

/**
 * Which InfluxDB databases each Grafana org may use, and with which credentials. Every InfluxDB
 * read and write on behalf of an org gets its client here, for the database it is about to use.
 * With no grants configured, Grafana's default org (1) may use what the scorer's credentials
 * reach, and every other org nothing.
 */
export class OrgAccess {
  private readonly grants: ReadonlyMap<number, OrgGrant>;
  private readonly configured: boolean;
  private readonly clients = new Map<number, InfluxClient>();

  constructor(
    private readonly influx: InfluxClient,
    private readonly clientOptions: Omit<InfluxClientOptions, 'auth'>,
    grants: ReadonlyMap<number, OrgGrant> | null,
  ) {
    this.configured = grants !== null;
    this.grants = grants ?? new Map([[GRAFANA_DEFAULT_ORG, { databases: '*' }]]);
  }

  /** Whether `orgId` may use `database`. */
  allows(orgId: number, database: string): boolean {
    const grant = this.grants.get(orgId);
    return grant !== undefined && (grant.databases === '*' || grant.databases.includes(database));
  }

  /** The client to read or write `database` for `orgId`; throws `OrgAccessError` when the org may not. */
  client(orgId: number, database: string): InfluxClient {
    const grant = this.grantOf(orgId);
    if (!this.allows(orgId, database)) {
      throw new OrgAccessError(
        `Org ${orgId} may not use the InfluxDB database ${JSON.stringify(database)}: ${SETTING} gives it ${describe(grant)}. Ask the scorer's operator to add it there.`,
      );
    }
    return this.clientFor(orgId, grant);
  }

  /** The client to list databases for `orgId` (filter the answer with `visible`). */
  listingClient(orgId: number): InfluxClient {
    return this.clientFor(orgId, this.grantOf(orgId));
  }

  /** The databases of `names` that `orgId` may use. */
  visible(orgId: number, names: readonly string[]): string[] {
    return names.filter((name) => this.allows(orgId, name));
  }

  private grantOf(orgId: number): OrgGrant {
    const grant = this.grants.get(orgId);
    if (grant) return grant;
    const why = this.configured
      ? `it has no entry in ${SETTING}`
      : `${SETTING} is not set, and then only Grafana's default org (${GRAFANA_DEFAULT_ORG}) may`;
    throw new OrgAccessError(
      `Org ${orgId} may not read InfluxDB through this scorer: ${why}. Ask the scorer's operator to list the org's databases in ${SETTING} (docs/operations.md).`,
    );
  }

  private clientFor(orgId: number, grant: OrgGrant): InfluxClient {
    if (!grant.influx) return this.influx;
    let client = this.clients.get(orgId);
    if (!client) {
      client = new InfluxClient({ ...this.clientOptions, auth: grant.influx });
      this.clients.set(orgId, client);
    }
    return client;
  }
}

function describe(grant: OrgGrant): string {
  if (grant.databases === '*') return 'every database';
  if (grant.databases.length === 0) return 'no database';
  return `only ${grant.databases.map((d) => JSON.stringify(d)).join(', ')}`;
}
