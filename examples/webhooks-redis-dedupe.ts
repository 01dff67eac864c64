/**
 * De-duplicating FML webhooks across several processes with Redis (the `redis` npm package, v4).
 * The in-memory default only sees its own process; behind a load balancer, share a store:
 *
 *   const redis = await createClient({ url: process.env.REDIS_URL }).connect();
 *   const handler = createWebhookHandler({ secret, onEvent, dedupe: createEventDeduper({ store: redisDedupeStore(redis) }) });
 *
 * A claim is one atomic script: SET NX PX, or report what holds the key. While `onEvent` runs the key
 * says "claimed" (and lapses after `leaseMs` if the process dies); afterwards it says "done" for `ttlMs`.
 */
import type { createClient } from 'redis';
// In your code: from '@firstmilelabs/cases/webhooks' (this repository imports the source directly).
import type { ClaimResult, DedupeStore } from '../src/webhooks';

type RedisClient = ReturnType<typeof createClient>;

const CLAIM = `
if redis.call('SET', KEYS[1], 'claimed', 'NX', 'PX', ARGV[1]) then return 'claimed' end
if redis.call('GET', KEYS[1]) == 'done' then return 'done' end
return 'in_progress'`;

// Only a claim is released: a "done" marker must survive a late failure report.
const RELEASE = `if redis.call('GET', KEYS[1]) == 'claimed' then return redis.call('DEL', KEYS[1]) end return 0`;

/** A `DedupeStore` on Redis. Keys are `<prefix><eventId>`. */
export function redisDedupeStore(redis: RedisClient, prefix = 'fml:webhook:'): DedupeStore {
  return {
    async claim(eventId, leaseMs) {
      return (await redis.eval(CLAIM, { keys: [prefix + eventId], arguments: [String(leaseMs)] })) as ClaimResult;
    },
    async markDone(eventId, ttlMs) {
      await redis.set(prefix + eventId, 'done', { PX: ttlMs });
    },
    async release(eventId) {
      await redis.eval(RELEASE, { keys: [prefix + eventId] });
    },
  };
}
