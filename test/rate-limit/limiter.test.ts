import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RateLimitWaitError } from '../../src/errors';
import type { Clock } from '../../src/engine/clock';
import { MemoryRateLimitStore, RateLimiter, type RateLimitStore, RedisRateLimitStore } from '../../src/rate-limit';
import { startRedisServer, type RedisServer } from '../helpers/redis-server';

/** A clock that only moves when the test says so; sleeps resolve when their time is reached. */
function manualClock(start = 1_000_000): Clock & { advance(ms: number): Promise<void>; sleepers(): number } {
  let now = start;
  let timers: { at: number; resolve: () => void }[] = [];
  return {
    now: () => now,
    sleep: (ms) => new Promise<void>((resolve) => timers.push({ at: now + ms, resolve })),
    sleepers: () => timers.length,
    // Lets the Redis round trips in flight finish first: a reply must be read at the time it was asked for.
    // (Only "not yet admitted" checks follow an advance directly; "admitted" ones poll with vi.waitFor.)
    async advance(ms) {
      await ioSettled();
      now += ms;
      const due = timers.filter((t) => t.at <= now);
      timers = timers.filter((t) => t.at > now);
      for (const t of due) t.resolve();
      await ioSettled();
    },
  };
}

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

const stores: [string, (clock: Clock) => RateLimitStore][] = [
  ['memory', (clock) => new MemoryRateLimitStore({ clock })],
  ['redis (one Lua script)', (clock) => new RedisRateLimitStore(client, { clock, prefix: `t${Math.random()}:` })],
];

describe.each(stores)('RateLimiter on the %s store', (_, makeStore) => {
  const rule = { limit: 3, windowMs: 1000 };

  it('admits `limit` at once, then holds the next until the first answered one is a window old (not a bucket refill)', async () => {
    const clock = manualClock();
    const limiter = new RateLimiter('pk_test_1', { clock, store: makeStore(clock), requests: rule });
    const permits = await Promise.all([1, 2, 3].map(() => limiter.acquire('requests', { attemptTimeoutMs: 5000 })));
    await clock.advance(100);
    for (const p of permits) await p.settle(); // answered at +100 ms
    let fourth = false;
    const next = limiter.acquire('requests', { attemptTimeoutMs: 5000 }).then((p) => ((fourth = true), p));
    await clock.advance(999); // +1099: the answers at +100 are not yet a window old
    expect(fourth).toBe(false);
    await clock.advance(1); // +1100
    await next;
  });

  it('an unanswered request keeps its slot (it may still reach FML), so no window can hold limit + 1', async () => {
    const clock = manualClock();
    const limiter = new RateLimiter('pk_test_2', { clock, store: makeStore(clock), requests: rule });
    await Promise.all([1, 2, 3].map(() => limiter.acquire('requests', { attemptTimeoutMs: 5000 })));
    let admitted = false;
    void limiter.acquire('requests', { attemptTimeoutMs: 5000 }).then(() => (admitted = true));
    await clock.advance(3000);
    expect(admitted).toBe(false);
    await clock.advance(3100); // 5000 timeout + 1000 slack + 1000 window after the send
    await clock.advance(1000);
    await vi.waitFor(() => expect(admitted).toBe(true));
  });

  it('fails fast with RateLimitWaitError when the shortest wait ends past the deadline; nothing waits', async () => {
    const clock = manualClock();
    const limiter = new RateLimiter('pk_test_3', { clock, store: makeStore(clock), requests: rule });
    for (const p of await Promise.all([1, 2, 3].map(() => limiter.acquire('requests', { attemptTimeoutMs: 5000 })))) await p.settle();
    const error = await limiter.acquire('requests', { attemptTimeoutMs: 5000, deadlineAt: clock.now() + 500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitWaitError);
    expect(error).toMatchObject({ code: 'rate_limit_wait', budget: 'requests', reason: 'window', retryAfterMs: 1000 });
    expect(clock.sleepers()).toBe(0);
  });

  it('token mints have their own budget', async () => {
    const clock = manualClock();
    const limiter = new RateLimiter('pk_test_4', { clock, store: makeStore(clock), requests: rule, tokens: { limit: 1, windowMs: 1000 } });
    await Promise.all([1, 2, 3].map(() => limiter.acquire('requests', { attemptTimeoutMs: 5000 })));
    await limiter.acquire('tokens', { attemptTimeoutMs: 5000 });
    await expect(limiter.acquire('tokens', { attemptTimeoutMs: 5000, deadlineAt: clock.now() + 10 })).rejects.toMatchObject({ budget: 'tokens' });
  });

  it("FML's Retry-After pauses every limiter sharing the store, and a longer block wins", async () => {
    const clock = manualClock();
    const store = makeStore(clock);
    const a = new RateLimiter('pk_test_5', { clock, store, requests: rule });
    const b = new RateLimiter('pk_test_5', { clock, store, requests: rule });
    await a.retryAfter(2000, 'requests');
    await a.retryAfter(500);
    await expect(b.acquire('requests', { attemptTimeoutMs: 5000, deadlineAt: clock.now() + 1500 })).rejects.toMatchObject({ reason: 'retry_after', retryAfterMs: 2000 });
    let admitted = false;
    void b.acquire('requests', { attemptTimeoutMs: 5000 }).then(() => (admitted = true));
    await clock.advance(1999);
    expect(admitted).toBe(false);
    await clock.advance(1);
    await vi.waitFor(() => expect(admitted).toBe(true));
  });
});

it('the Redis keys of one client id share one hash tag (one Cluster slot)', () => {
  const store = new RedisRateLimitStore(client);
  expect(store.keys('pk_live_x', 'requests')).toEqual(['{fml:pk_live_x}:requests', '{fml:pk_live_x}:requests:blocked']);
  expect(store.keys('pk_live_x', 'tokens')[0]).toBe('{fml:pk_live_x}:tokens');
});

describe('RateLimiter looks at its store a few at a time per budget', () => {
  /** A memory store that records how many takes run at once and can hold the next one until released. */
  function watchedStore() {
    const inner = new MemoryRateLimitStore();
    let running = 0;
    let gate: Promise<void> | undefined;
    // holdAll(): every take from now on waits until release().
    const watch = { takes: 0, maxRunning: 0, release: () => {}, holdAll: () => (gate = new Promise<void>((r) => (watch.release = () => ((gate = undefined), r())))) };
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
    const permits = await Promise.all(Array.from({ length: 200 }, () => limiter.acquire('requests', { attemptTimeoutMs: 5000 })));
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
