import { expect, it, vi } from 'vitest';
import type { Clock } from '../../src/internal/engine/clock';
import { RateLimitWaitError } from '../../src/errors';
import { RateLimiter, type RateLimitStore } from '../../src/internal/rate-limit';

// The limiter's rules, run on any store: memory and one redis-server (limiter.test.ts), a Redis Cluster
// through either library's cluster client (redis-cluster.test.ts). One table of behaviour, every store.

/** A clock that only moves when the test says so; sleeps resolve when their time is reached. */
export function manualClock(
  ioSettled: () => Promise<void>,
  start = 1_000_000,
): Clock & { advance(ms: number): Promise<void>; sleepers(): number } {
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

/**
 * The behaviour tests of a {@link RateLimiter} on the store `makeStore` builds. `ioSettled` resolves once
 * the store's round trips in flight have been answered (a few pings down the same connections).
 */
export function limiterBehaviour(makeStore: (clock: Clock) => RateLimitStore, ioSettled: () => Promise<void>): void {
  const rule = { limit: 3, windowMs: 1000 };
  const clockAt = () => manualClock(ioSettled);

  it('admits `limit` at once, then holds the next until the first answered one is a window old (not a bucket refill)', async () => {
    const clock = clockAt();
    const limiter = new RateLimiter('pk_test_1', { clock, store: makeStore(clock), requests: rule });
    const permits = await Promise.all([1, 2, 3].map(() => limiter.acquire('requests', { attemptTimeoutMs: 5000 })));
    await clock.advance(100);
    for (const p of permits) await p.settle(); // answered at +100 ms
    let fourth = false;
    const next = limiter.acquire('requests', { attemptTimeoutMs: 5000 }).then((p) => {
      fourth = true;
      return p;
    });
    await clock.advance(999); // +1099: the answers at +100 are not yet a window old
    expect(fourth).toBe(false);
    await clock.advance(1); // +1100
    await next;
  });

  it('an unanswered request keeps its slot (it may still reach FML), so no window can hold limit + 1', async () => {
    const clock = clockAt();
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
    const clock = clockAt();
    const limiter = new RateLimiter('pk_test_3', { clock, store: makeStore(clock), requests: rule });
    for (const p of await Promise.all([1, 2, 3].map(() => limiter.acquire('requests', { attemptTimeoutMs: 5000 }))))
      await p.settle();
    const error = await limiter
      .acquire('requests', { attemptTimeoutMs: 5000, deadlineAt: clock.now() + 500 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitWaitError);
    expect(error).toMatchObject({ code: 'rate_limit_wait', budget: 'requests', reason: 'window', retryAfterMs: 1000 });
    expect(clock.sleepers()).toBe(0);
  });

  it('token mints have their own budget', async () => {
    const clock = clockAt();
    const limiter = new RateLimiter('pk_test_4', {
      clock,
      store: makeStore(clock),
      requests: rule,
      tokens: { limit: 1, windowMs: 1000 },
    });
    await Promise.all([1, 2, 3].map(() => limiter.acquire('requests', { attemptTimeoutMs: 5000 })));
    await limiter.acquire('tokens', { attemptTimeoutMs: 5000 });
    await expect(
      limiter.acquire('tokens', { attemptTimeoutMs: 5000, deadlineAt: clock.now() + 10 }),
    ).rejects.toMatchObject({ budget: 'tokens' });
  });

  it("FML's Retry-After pauses every limiter sharing the store, and a longer block wins", async () => {
    const clock = clockAt();
    const store = makeStore(clock);
    const a = new RateLimiter('pk_test_5', { clock, store, requests: rule });
    const b = new RateLimiter('pk_test_5', { clock, store, requests: rule });
    await a.retryAfter(2000, 'requests');
    await a.retryAfter(500);
    await expect(
      b.acquire('requests', { attemptTimeoutMs: 5000, deadlineAt: clock.now() + 1500 }),
    ).rejects.toMatchObject({ reason: 'retry_after', retryAfterMs: 2000 });
    let admitted = false;
    void b.acquire('requests', { attemptTimeoutMs: 5000 }).then(() => (admitted = true));
    await clock.advance(1999);
    expect(admitted).toBe(false);
    await clock.advance(1);
    await vi.waitFor(() => expect(admitted).toBe(true));
  });
}
