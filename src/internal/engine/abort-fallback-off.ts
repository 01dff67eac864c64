// Stands in for ./abort-fallback.ts in the paste-ready HubSpot action (scripts/build-hubspot.mjs): HubSpot
// runs plain Node, which has AbortController, so the n8n stand-in would be dead weight there.
import { FmlConfigError } from '../../errors';

export function minimalAbortController(): AbortController {
  throw new FmlConfigError('This runtime has no AbortController.');
}
