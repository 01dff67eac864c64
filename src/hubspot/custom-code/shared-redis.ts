import type { TokenStore } from '../../internal/auth/token-store';
import type { Pacer } from '../../internal/engine/engine-types';
import { RateLimiter } from '../../internal/rate-limit/limiter';
import { fmlPacer } from '../../internal/rate-limit/pacer';
import { RedisRateLimitStore } from '../../internal/rate-limit/redis-store';
import { redisConnectionFromUrl } from '../../redis/from-url';
import { RedisTokenStore } from '../../redis/token-store';
import { SECRET_REDIS_URL } from './secret-names';

// What the Custom Code action's REDIS_URL secret gives it: one Redis connection per process, serving the
// shared FML token and the fleet's pacing to FML's rate limit.

/** What a REDIS_URL gives every execution in this process: one connection, shared token and pacing. */
export interface SharedRedis {
  tokenStore: TokenStore;
  /** Paces this FML client id across every Lambda (and any npm client) on this Redis. */
  pacer(clientId: string): Pacer;
  close(): Promise<void>;
}

/**
 * The shared Redis (one connection) of the current REDIS_URL value, for every handler in this process.
 * A rotated URL closes the old one: a warm Lambda lives long, and must not hold it open.
 */
let redis: { url: string; shared: SharedRedis } | undefined;

export function sharedRedisOf(url: string, log: (line: string) => void, waitMs: number): SharedRedis {
  if (redis?.url !== url) {
    const shared = sharedRedis(url, log, waitMs);
    void redis?.shared.close();
    redis = { url, shared };
  }
  return redis.shared;
}

/**
 * The npm package's own `RedisTokenStore` and fleet rate limiter on one connection to `url` (so the action
 * and any other process on that Redis share one token and one budget of FML's rate limit), falling back
 * to this Lambda's own token, unpaced, while Redis fails. Each outage is logged once — from the first
 * failure until Redis answers a call again — with the URL (it may hold a password) masked. The wait for
 * another Lambda's mint is capped at the action's budget: a wait the run has given up on must not linger
 * and mint later. Throws `FmlConfigError` for a non-redis URL.
 */
function sharedRedis(url: string, log: (line: string) => void, waitMs: number): SharedRedis {
  let down = false;
  let failed = false;
  const onError = (error: unknown) => {
    failed = true;
    if (!down)
      log(
        `FML: the ${SECRET_REDIS_URL} Redis failed; this Lambda uses its own FML token, unpaced, until it answers (${String(
          (error as Error)?.message ?? error,
        )
          .split(url)
          .join('***')}).`,
      );
    down = true;
  };
  const connection = redisConnectionFromUrl(url);
  const store = new RedisTokenStore(
    connection,
    { waitTimeoutMs: waitMs, onError, fallbackToLocal: true },
    connection.close,
  );
  const watched =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      failed = false;
      const result = await call(...args);
      if (!failed) down = false; // Redis answered: the next failure is a new outage
      return result;
    };
  const rateLimitStore = new RedisRateLimitStore(connection);
  return {
    tokenStore: {
      get: watched((key) => store.get(key)),
      set: watched((key, token) => store.set(key, token)),
      delete: watched((key, onlyIfToken) => store.delete(key, onlyIfToken)),
      acquire: watched((key, mint) => store.acquire(key, mint)),
    },
    pacer: (clientId) => fmlPacer(new RateLimiter(clientId, { store: rateLimitStore, onStoreError: onError })),
    close: () => store.close(),
  };
}
