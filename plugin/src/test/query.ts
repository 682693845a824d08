import { DEFAULT_QUERY, type TidemarkQuery } from '../datasource/types';

/** A complete query for series `db`/`m`/`f` with the defaults, plus what a test changes. */
export function tidemarkQuery(overrides: Partial<TidemarkQuery> = {}): TidemarkQuery {
  return {
    ...DEFAULT_QUERY,
    refId: 'A',
    database: 'db',
    measurement: 'm',
    field: 'f',
    ...overrides,
  };
}
