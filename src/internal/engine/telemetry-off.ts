// Stands in for ./telemetry.ts in the paste-ready HubSpot files (scripts/build-hubspot.mjs): HubSpot's
// runtime has no OpenTelemetry, so the file carries no loader for it and never tries to require it.
import type { CallSpan } from './telemetry';

export type { CallSpan };

export function telemetry(): undefined {
  return undefined;
}
