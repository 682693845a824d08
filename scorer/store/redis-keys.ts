import { checkOrgId } from './paths';

/**
 * Where the shared store keeps what (all under the connection's prefix, `tidemark:`):
 * `orgs` (set of org ids with state), `org:<org>:c:<kind>` (hash: record id → JSON),
 * `org:<org>:m:records` (hash: model id → record JSON), `org:<org>:m:keys` (hash: lookup key →
 * model id), `org:<org>:m:blob:<id>:<version>` (the bytes), `org:<org>:m:next:<id>` (version counter),
 * `org:<org>:m:revision` (counts changes to the org's models: a replica's cached records are good
 * while it stays the same), `model-changes` (pub/sub channel, see cluster/model-changes.ts).
 */
export function redisKeys(prefix: string) {
  const org = (orgId: number) => `${prefix}org:${checkOrgId(orgId)}:`;
  return {
    orgs: `${prefix}orgs`,
    collection: (orgId: number, kind: string) => `${org(orgId)}c:${kind}`,
    modelRecords: (orgId: number) => `${org(orgId)}m:records`,
    modelKeys: (orgId: number) => `${org(orgId)}m:keys`,
    modelBlob: (orgId: number, id: string, version: number) => `${org(orgId)}m:blob:${id}:${version}`,
    modelNextVersion: (orgId: number, id: string) => `${org(orgId)}m:next:${id}`,
    modelRevision: (orgId: number) => `${org(orgId)}m:revision`,
    modelChanges: `${prefix}model-changes`,
    readyProbe: (replica: string) => `${prefix}ready-probe:${replica}`,
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;

/**
 * Compare-and-set of one hash field: writes ARGV[3] only if the field still holds ARGV[2] ('' =
 * absent), and records the org (ARGV[4]) in KEYS[2]. Returns 1 when written, 0 when changed meanwhile.
 */
export const HASH_CAS_SCRIPT = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current == false then current = '' end
if current ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('SADD', KEYS[2], ARGV[4])
return 1
`;

/**
 * A model's record changes (save, rollback) or goes (ARGV[3] = ''), if it still holds ARGV[2]:
 * KEYS[1] records hash, KEYS[2] lookup-key hash, KEYS[3] orgs set, KEYS[4] version counter,
 * KEYS[5] the org's models revision (counted up), KEYS[6..] blobs no longer referenced (deleted
 * in the same step). ARGV[1] model id, ARGV[4] its
 * lookup key, ARGV[5] org id. Returns 1 when done, 0 when the record changed meanwhile.
 */
export const MODEL_CAS_SCRIPT = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current == false then current = '' end
if current ~= ARGV[2] then return 0 end
if ARGV[3] == '' then
  redis.call('HDEL', KEYS[1], ARGV[1])
  if redis.call('HGET', KEYS[2], ARGV[4]) == ARGV[1] then redis.call('HDEL', KEYS[2], ARGV[4]) end
  redis.call('DEL', KEYS[4])
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
  redis.call('HSET', KEYS[2], ARGV[4], ARGV[1])
  redis.call('SADD', KEYS[3], ARGV[5])
end
redis.call('INCR', KEYS[5])
for i = 6, #KEYS do redis.call('DEL', KEYS[i]) end
return 1
`;
