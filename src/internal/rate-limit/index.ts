// Pacing to FML's rate limits, in one process or across a fleet (Redis). See docs/scale.md for the guarantees.
export {
  RateLimiter,
  type RateLimitOptions,
  type RateLimiterOptions,
  type Permit,
  type AcquireOptions,
} from './limiter';
export { MemoryRateLimitStore } from './memory-store';
export { RedisRateLimitStore, type RedisRateLimitStoreOptions } from './redis-store';
export type { RateLimitStore, SlotRequest } from './store';
export { FML_LIMITS, type Budget, type WindowRule, type SlotAnswer } from './window';
