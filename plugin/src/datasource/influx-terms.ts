import type { InfluxVersion, TidemarkOptions } from './types';

/** What the editors call InfluxDB's things, for the version behind the scorer. */
export interface InfluxTerms {
  database: string;
  databaseTooltip: string;
}

/** The editors' words for each InfluxDB version (1.x when the data source does not say). */
export function influxTerms({ influxVersion, influxOrg }: TidemarkOptions): InfluxTerms {
  const org = influxOrg ? ` of org ${influxOrg}` : '';
  const terms: Record<InfluxVersion, InfluxTerms> = {
    '1.x': { database: 'Database', databaseTooltip: 'InfluxDB database' },
    '2.x': {
      database: 'Bucket',
      databaseTooltip: `The database a bucket${org} is mapped to (DBRP mapping): InfluxDB 2.x answers the scorer's InfluxQL through its v1 compatibility API`,
    },
    '3.x': {
      database: 'Database',
      databaseTooltip: 'InfluxDB 3 database (a bucket name), queried through the v1 query API',
    },
  };
  return terms[influxVersion ?? '1.x'];
}
