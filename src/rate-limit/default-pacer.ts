import type { Pacer } from '../engine/engine';
import type { LogFn } from '../engine/logger';
import type { FmlClientOptions } from '../options';
import { RateLimiter } from './limiter';
import { checkRateLimitOption, fmlPacer } from './pacer';

/**
 * The pacer of a client: its `rateLimit` option checked, a limiter for its client id, store failures
 * logged. The paste-ready HubSpot files swap this module for ./default-pacer-off.ts.
 */
export function defaultPacer(options: FmlClientOptions, clientId: string, log: LogFn): Pacer | undefined {
  checkRateLimitOption(options.rateLimit);
  if (options.rateLimit === false) return undefined;
  return fmlPacer(new RateLimiter(clientId, { clock: options.clock, onStoreError: (e) => log('warn', `fml rate limit store failed, sending unpaced: ${String(e)}`), ...options.rateLimit }));
}
