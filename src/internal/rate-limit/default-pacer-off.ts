// Stands in for ./default-pacer.ts in the paste-ready HubSpot files (scripts/build-hubspot.mjs). Each
// HubSpot execution is a short-lived process sending one or two requests, so pacing in its memory
// paces nothing, and the files stay within their size guard. Asking for pacing there is refused
// loudly rather than ignored.
import type { Pacer } from '../engine/engine-types';
import { FmlConfigError } from '../../errors';
import type { FmlClientOptions } from '../../options';

export function defaultPacer(options: FmlClientOptions): Pacer | undefined {
  if (options.rateLimit)
    throw new FmlConfigError('rateLimit is not in the paste-ready HubSpot files: use the npm package.');
  return undefined;
}
