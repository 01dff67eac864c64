import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MemoryRateLimitStore,
  RateLimiter,
  type RateLimitStore,
  RedisRateLimitStore,
} from '../../src/internal/rate-limit';
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

it('a RateLimiter without a store is refused at once (it would otherwise send everything unpaced)', () => {
  const options = { requests: { limit: 1, windowMs: 1000 } } as unknown as ConstructorParameters<typeof RateLimiter>[1];
  expect(() => new RateLimiter('pk_no_store', options)).toThrow(
    expect.objectContaining({ code: 'configuration_error', message: expect.stringContaining('needs a store') }),
  );
});

describe('RateLimiter looks at its store a few at a time per budget', () => {
  /** A memory store that records how many takes run at once and can hold the next one until released. */
  function watchedStore() {
    const inner = new MemoryRateLimitStore();
    let running = 0;
    let gate: Promise<void> | undefined;
    // holdAll(): every take from now on waits until release().
    const watch = {
      takes: 0,
      maxRunning: 0,
      release: () => {},
      holdAll: () => {
        gate = new Promise<void>((r) => {
          watch.release = () => {
            gate = undefined;
            r();
          };
        });
      },
    };
    const store: RateLimitStore = {
      async take(...args) {
        watch.takes++;
        watch.maxRunning = Math.max(watch.maxRunning, ++running);
        try {
          await gate;
          await new Promise((r) => setImmediate(r)); // a store round trip
          return await inner.take(...args);
        } finally {
          running--;
        }
      },
      settle: (...args) => inner.settle(...args),
      block: (...args) => inner.block(...args),
    };
    return { store, watch };
  }

  it('a burst of 200 calls costs the store at most 16 looks at a time (a shared Redis is not flooded past its time limit), and each still gets its slot', async () => {
    const { store, watch } = watchedStore();
    const limiter = new RateLimiter('pk_test_burst', { store, requests: { limit: 200, windowMs: 60_000 } });
    const permits = await Promise.all(
      Array.from({ length: 200 }, () => limiter.acquire('requests', { attemptTimeoutMs: 5000 })),
    );
    expect(permits).toHaveLength(200);
    expect(watch.takes).toBe(200);
    expect(watch.maxRunning).toBe(16);
  });

  it('a call cancelled while its look is queued leaves at once and takes no slot', async () => {
    const { store, watch } = watchedStore();
    const limiter = new RateLimiter('pk_test_queue', { store, requests: { limit: 100, windowMs: 60_000 } });
    watch.holdAll();
    const first = Array.from({ length: 16 }, () => limiter.acquire('requests', { attemptTimeoutMs: 5000 }));
    const controller = new AbortController();
    const cancelled = limiter.acquire('requests', { attemptTimeoutMs: 5000, signal: controller.signal });
    const last = limiter.acquire('requests', { attemptTimeoutMs: 5000 });
    await new Promise((r) => setImmediate(r));
    expect(watch.takes).toBe(16); // the 17th and 18th wait for a turn
    controller.abort(new Error('caller gave up'));
    await expect(cancelled).rejects.toThrow('caller gave up');
    watch.release();
    await Promise.all([...first, last]);
    expect(watch.takes).toBe(17); // the cancelled one never reached the store: its place went to the next
  });
});
