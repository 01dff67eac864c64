import { type Clock, REAL_CLOCK } from '../engine/clock';
import type { Pacer } from '../engine/engine-types';
import type { LogFn } from '../engine/logger';
import type { FmlClientOptions } from '../../options';
import { RateLimiter } from './limiter';
import { MemoryRateLimitStore } from './memory-store';
import { checkRateLimitOption, fmlPacer } from './pacer';

/** While the store keeps failing, at most one warning per this long: an outage must not log once per request. */
const STORE_WARNING_EVERY_MS = 10_000;

/**
 * The pacer of a client: its `rateLimit` option checked, a limiter for its client id, store failures
 * logged. The paste-ready HubSpot files swap this module for ./default-pacer-off.ts.
 */
export function defaultPacer(options: FmlClientOptions, clientId: string, log: LogFn): Pacer | undefined {
  checkRateLimitOption(options.rateLimit);
  if (options.rateLimit === false) return undefined;
  // The limiter's clock: its own, else the client's. The warning's throttle and the default store read the same one.
  const clock = options.rateLimit?.clock ?? options.clock ?? REAL_CLOCK;
  const store = options.rateLimit?.store ?? new MemoryRateLimitStore({ clock });
  return fmlPacer(
    new RateLimiter(clientId, { onStoreError: storeFailureWarning(log, clock), ...options.rateLimit, clock, store }),
  );
}

/** Warns of a failing store (a Redis failover sends every request unpaced) once, then once per {@link STORE_WARNING_EVERY_MS} with the count since. */
function storeFailureWarning(log: LogFn, clock: Pick<Clock, 'now'>): (error: unknown) => void {
  let warnedAt = -Infinity;
  let since = 0;
  return (error) => {
    const now = clock.now();
    if (now - warnedAt < STORE_WARNING_EVERY_MS) return void since++;
    const more = since ? ` (and ${since} more since the last warning)` : '';
    log('warn', `fml rate limit store failed, sending unpaced: ${String(error)}${more}`);
    warnedAt = now;
    since = 0;
  };
}
