// The one Lua script of the fleet limiter: window.ts's rule, run atomically inside Redis.
// KEYS[1] = the budget's log (a sorted set: member = request id, score = arrival bound),
// KEYS[2] = the "blocked until" of FML's last Retry-After. Both share the hash tag `{<prefix><client id>}`,
// so the script touches a single Redis Cluster slot.
// ARGV[1] = op (take | settle | block), ARGV[2] = now in ms, or '' for Redis's own clock (one clock for
// the whole fleet, whatever the hosts' clocks say).
//   take:   ARGV[3] limit, ARGV[4] windowMs, ARGV[5] id, ARGV[6] attempt timeout + slack ms, ARGV[7] ahead
//           → {1} or {0, minWaitMs, waitMs, blocked}
//   settle: ARGV[3] id → lowers the entry's bound to now (ZADD XX LT: never raises it)
//   block:  ARGV[3] ms → blocked-until = max(current, now + ms)
export const RATE_LIMIT_SCRIPT = `local now = tonumber(ARGV[2])
if not now then local t = redis.call('TIME'); now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) end
local op = ARGV[1]
if op == 'settle' then
  redis.call('ZADD', KEYS[1], 'XX', 'LT', now, ARGV[3])
  return {1}
end
if op == 'block' then
  local ms = tonumber(ARGV[3])
  local cur = tonumber(redis.call('GET', KEYS[2]) or '0')
  if now + ms > cur then redis.call('SET', KEYS[2], now + ms, 'PX', math.ceil(ms)) end
  return {1}
end
local limit, window, inflight, ahead = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[6]), tonumber(ARGV[7])
local blocked = tonumber(redis.call('GET', KEYS[2]) or '0')
if blocked > now then return {0, blocked - now, blocked - now, 1} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], now + inflight, ARGV[5])
  redis.call('PEXPIRE', KEYS[1], window + inflight)
  return {1}
end
local function gate_wait(a)
  local g = count + a - limit
  if g >= count then return window end
  local bound = tonumber(redis.call('ZRANGE', KEYS[1], g, g, 'WITHSCORES')[2])
  if bound <= now then return bound + window - now end
  return window
end
return {0, gate_wait(0), gate_wait(ahead), 0}`;
