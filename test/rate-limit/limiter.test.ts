import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRateLimitStore, RedisRateLimitStore } from '../../src/rate-limit';
import { startRedisServer, type RedisServer } from '../helpers/redis-server';
import { limiterBehaviour } from './limiter-behaviour';

/** Until the limiters of this test sit in a clock sleep (or are done): each take is one local Redis round trip. */
async function ioSettled(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await client.ping();
    await new Promise((r) => setImmediate(r));
  }
}

let redis: RedisServer;
let client: ReturnType<typeof createClient>;
beforeAll(async () => {
  redis = await startRedisServer();
  client = createClient({ url: redis.url });
  await client.connect();
});
afterAll(async () => {
  await client?.quit();
  await redis?.stop();
});

describe('RateLimiter on the memory store', () => {
  limiterBehaviour((clock) => new MemoryRateLimitStore({ clock }), ioSettled);
});

describe('RateLimiter on the redis store (one Lua script)', () => {
  limiterBehaviour((clock) => new RedisRateLimitStore(client, { clock, prefix: `t${Math.random()}:` }), ioSettled);
});

it('the Redis keys of one client id share one hash tag (one Cluster slot)', () => {
  const store = new RedisRateLimitStore(client);
  expect(store.keys('pk_live_x', 'requests')).toEqual(['{fml:pk_live_x}:requests', '{fml:pk_live_x}:requests:blocked']);
  expect(store.keys('pk_live_x', 'tokens')[0]).toBe('{fml:pk_live_x}:tokens');
});
