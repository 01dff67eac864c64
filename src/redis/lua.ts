// Redis scripts the stores share. Each acts only while the value is still the caller's.

/**
 * Renews (given ARGV[2], a time to live in ms) or else releases a key held under ARGV[1], the holder's
 * own value, only while it still holds that value: a holder whose lease lapsed never touches a
 * successor's. RedisTokenStore's mint lock and RedisDedupeStore's claims.
 */
export const RENEW_OR_RELEASE = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return redis.call('DEL', KEYS[1])`;

/** Deletes the token only if it is still the given one (a compare-and-delete on its accessToken). */
export const DELETE_IF_TOKEN = `local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local ok, t = pcall(cjson.decode, v)
if ok and type(t) == 'table' and t.accessToken == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
