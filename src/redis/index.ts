// Public entry: `@firstmilelabs/cases/redis` — Redis-backed shared state for fleets: one FML token for every
// process, FML's rate limit paced across the fleet, webhook de-duplication across replicas.
// Its own entry so that `@firstmilelabs/cases` and `/webhooks` carry no Redis code (scripts, cluster routing).
// The package never imports a Redis client: users pass theirs (node-redis v4+ or ioredis), or a URL.
export { RedisTokenStore, type RedisTokenStoreOptions } from './token-store';
export { redisTokenStoreFromUrl, type RedisTokenStoreFromUrlOptions, type RedisPackageLike } from './from-url';
export {
  RedisDedupeStore,
  createRedisDedupeStore,
  createRedisEventDeduper,
  type RedisDedupeStoreOptions,
  type RedisEventDeduperOptions,
} from './event-deduper';
export { RedisRateLimitStore, type RedisRateLimitStoreOptions } from '../internal/rate-limit/redis-store';
export type { RedisTimeLimitOptions } from './time-limit';
export {
  RedisStoreError,
  type RedisFailureReason,
  type RedisClientLike,
  type NodeRedisClientLike,
  type NodeRedisClusterLike,
  type IoRedisClientLike,
  type RedisCommandRunner,
} from './client-adapter';
