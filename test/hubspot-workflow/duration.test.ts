import { describe, expect, it } from 'vitest';
import { isoDurationMs } from '../../src/hubspot/workflow-action/index';

describe('isoDurationMs', () => {
  it('reads the ISO 8601 durations HubSpot takes for hs_expiration_duration', () => {
    expect(isoDurationMs('P1W')).toBe(7 * 86_400_000);
    expect(isoDurationMs('P1WT1H')).toBe(7 * 86_400_000 + 3_600_000);
    expect(isoDurationMs('PT36H')).toBe(36 * 3_600_000);
    expect(isoDurationMs('P2DT30M')).toBe(2 * 86_400_000 + 30 * 60_000);
    expect(isoDurationMs('PT1.5S')).toBe(1500);
  });

  it('refuses what is not a duration', () => {
    for (const bad of ['', 'P', 'PT', '1W', 'P1H', 'P1.5D', 'P0D', 'p1w', 'P1W '])
      expect(isoDurationMs(bad), bad).toBeUndefined();
  });
});
