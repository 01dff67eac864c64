// The shared per-attempt time limit's rule (src/internal/engine/attempt-timer.ts): attempts starting within one
// sharing window share a limit; each is cut off after `timeoutMs` at the earliest, `timeoutMs +
// sharingMs` at the latest. Times are handed in (no wall clock); the timers' firing is covered against
// real sockets in timeout-frees-connection.test.ts.
import { describe, expect, it } from 'vitest';
import { AttemptTimer, MAX_JOINS, sharingMs } from '../../src/internal/engine/attempt-timer';

describe('AttemptTimer', () => {
  it('attempts starting within the sharing window share one limit; each gets its full timeoutMs, late by at most the window', () => {
    const timer = new AttemptTimer();
    const window = sharingMs(1000);
    const starts = [0, window / 3, window - 0.001];
    const limits = starts.map((now) => timer.join(1000, now));
    expect(new Set(limits).size).toBe(1);
    for (const [i, now] of starts.entries()) {
      const left = limits[i]!.firesAt - now;
      expect(left).toBeGreaterThanOrEqual(1000);
      expect(left).toBeLessThanOrEqual(1000 + window);
    }
    for (const limit of limits) limit.release();
  });

  it('a new limit once the window closed, for another timeoutMs, and after MAX_JOINS joiners', () => {
    const timer = new AttemptTimer();
    const first = timer.join(1000, 0);
    expect(timer.join(1000, sharingMs(1000))).not.toBe(first);
    const a = timer.join(1000, 100);
    expect(timer.join(2000, 100)).not.toBe(a);
    const b = timer.join(1000, 200);
    for (let i = 1; i < MAX_JOINS; i++) expect(timer.join(1000, 200)).toBe(b);
    expect(timer.join(1000, 200)).not.toBe(b);
    // Node warns of a listener leak past 10 on one signal, and each fetch may add one.
    expect(MAX_JOINS).toBeLessThanOrEqual(10);
  });

  it('a clock set back gets a new limit, never one that fires later than timeoutMs + the window', () => {
    const timer = new AttemptTimer();
    const first = timer.join(1000, 1_000_000);
    const earlier = timer.join(1000, 1_000_000 - 3_600_000);
    expect(earlier).not.toBe(first);
    expect(earlier.firesAt - (1_000_000 - 3_600_000)).toBeLessThanOrEqual(1000 + sharingMs(1000));
    first.release();
    earlier.release();
  });

  it('the window is 1/50 of the limit, at most 10 ms', () => {
    expect(sharingMs(100)).toBe(2);
    expect(sharingMs(30_000)).toBe(10);
  });

  it('holds the process only while an attempt is in flight', () => {
    const timer = new AttemptTimer();
    const refedTimeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = refedTimeouts();
    const t0 = performance.now();
    const limit = timer.join(60_000, t0);
    expect(refedTimeouts()).toBe(before + 1);
    limit.release();
    expect(refedTimeouts()).toBe(before);
    // The next attempt in the same window arms it again, until it too is over.
    const again = timer.join(60_000, t0 + 1);
    expect(again).toBe(limit);
    expect(refedTimeouts()).toBe(before + 1);
    again.release();
    expect(refedTimeouts()).toBe(before);
  });

  it('a fired limit takes no more attempts', async () => {
    const timer = new AttemptTimer();
    const limit = timer.join(1, performance.now());
    await new Promise<void>((resolve) => limit.signal.addEventListener('abort', () => resolve()));
    expect(limit.fired).toBe(true);
    limit.release();
    expect(timer.join(1, limit.closesAt - 0.001)).not.toBe(limit);
  });
});
