import type { Clock } from '../../src/index';

/** A virtual clock for the engine: `sleep` records the wait, moves `now` on by it and resolves at once. */
export function virtualClock(start = Date.parse('2026-12-07T10:00:00Z')) {
  let now = start;
  const sleeps: number[] = [];
  const clock: Clock = {
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      now += ms;
    },
  };
  return { clock, sleeps, elapsed: () => now - start };
}
