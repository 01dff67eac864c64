// The Redis scripts of the shared-token protocol, used by both RedisTokenStore and the HubSpot action's
// store, so the two speak exactly the same protocol. Each acts only while the value is still the caller's.

/** Deletes the lock only if this process still holds it, so a lapsed holder never frees a successor's lock. */
export const RELEASE_LOCK =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

/** Extends the lock only if this process still holds it. */
export const RENEW_LOCK =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";

/** Deletes the token only if it is still the given one (a compare-and-delete on its accessToken). */
export const DELETE_IF_TOKEN = `local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local ok, t = pcall(cjson.decode, v)
if ok and type(t) == 'table' and t.accessToken == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
