import { DETECTOR_IDS, type TagFilter } from '@tidemark/core';
import { DEFAULT_QUERY, QUERY_VERSION, type TidemarkQuery } from './types';

/**
 * Shapes a saved query may have, besides the current one: a bare `{ refId }` from a new panel,
 * hand-written provisioning JSON, and the pre-release (unversioned) model, which kept tag filters as a
 * `{ key: value }` map, group-by tags as a comma-separated string and the detector as `{ id, params }`.
 */
type SavedQuery = Partial<Omit<TidemarkQuery, 'tags' | 'groupBy' | 'detector'>> & {
  refId: string;
  tags?: TagFilter[] | Record<string, string>;
  groupBy?: string[] | string;
  detector?:
    | string
    | { id?: string; params?: { sensitivity?: string; threshold?: number; trainingWindow?: string } };
};

const SENSITIVITIES = ['low', 'medium', 'high'] as const;

/** Brings any saved query up to `QUERY_VERSION`; a current query comes back unchanged (same object). */
export function migrateQuery(saved: SavedQuery): TidemarkQuery {
  if (saved.queryVersion === QUERY_VERSION && isCurrent(saved)) return saved as TidemarkQuery;
  const legacyDetector = typeof saved.detector === 'object' ? saved.detector : undefined;
  const params = legacyDetector?.params ?? {};
  const sensitivity = saved.sensitivity ?? params.sensitivity;
  const migrated: TidemarkQuery = {
    ...saved,
    ...DEFAULT_QUERY,
    ...withoutUndefined({
      database: saved.database,
      retentionPolicy: saved.retentionPolicy,
      measurement: saved.measurement,
      field: saved.field,
      aggregation: saved.aggregation,
      threshold: saved.threshold ?? params.threshold,
      trainingWindow: saved.trainingWindow ?? params.trainingWindow,
      season: saved.season,
    }),
    refId: saved.refId,
    queryVersion: QUERY_VERSION,
    tags: migrateTags(saved.tags),
    groupBy: migrateGroupBy(saved.groupBy),
    detector:
      (legacyDetector ? legacyDetector.id : (saved.detector as string | undefined)) || DEFAULT_QUERY.detector,
    sensitivity: SENSITIVITIES.find((s) => s === sensitivity) ?? DEFAULT_QUERY.sensitivity,
  };
  return migrated;
}

function isCurrent(query: SavedQuery): boolean {
  return Array.isArray(query.tags) && Array.isArray(query.groupBy) && typeof query.detector === 'string';
}

function migrateTags(tags: SavedQuery['tags']): TagFilter[] {
  if (!tags) return [];
  if (Array.isArray(tags))
    return tags.map((tag) => ({ key: tag.key, operator: tag.operator ?? '=', value: tag.value }));
  return Object.entries(tags).map(([key, value]) => ({ key, operator: '=', value }));
}

function migrateGroupBy(groupBy: SavedQuery['groupBy']): string[] {
  if (!groupBy) return [];
  const keys = Array.isArray(groupBy) ? groupBy : groupBy.split(',');
  return keys.map((key) => key.trim()).filter(Boolean);
}

function withoutUndefined<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** True when the detector is one the contract knows (after interpolation). */
export function isKnownDetector(id: string): id is (typeof DETECTOR_IDS)[number] {
  return (DETECTOR_IDS as readonly string[]).includes(id);
}
