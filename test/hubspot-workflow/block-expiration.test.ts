import { afterEach, describe, expect, it } from 'vitest';
import { runCleanups } from './fixtures';
import { goodInputs, makeClock, outputsOf, startHarness, type Harness } from './harness';

// "Wait at most" (blockExpiration): shown only while waiting (a CONDITIONAL_SINGLE_FIELD dependency),
// and honoured per execution over the handler's expirationDuration.

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  await runCleanups();
});

describe('blockExpiration', () => {
  it("BLOCKs for the workflow's chosen wait, and remembers the block until then", async () => {
    const clock = makeClock();
    h = await startHarness({ clock });
    const run = await h.hubspot.execute({
      actionUrl: h.actionUrl,
      inputFields: goodInputs({ blockExpiration: 'P3D' }),
    });
    expect(outputsOf(run.body)).toMatchObject({ hs_execution_state: 'BLOCK', hs_expiration_duration: 'P3D' });
    expect((await h.store.get(run.callbackId))!.blockExpiresAt).toBe(clock.now() + 3 * 86_400_000);
    // Past it, the handler prunes the block (HubSpot has moved the workflow on).
    clock.advance(3 * 86_400_000 + 1);
    await h.action.prune();
    expect(await h.store.get(run.callbackId)).toBeUndefined();
  });

  it("uses the handler's expirationDuration when the input is empty", async () => {
    h = await startHarness({ actionOptions: { expirationDuration: 'PT36H' } });
    const run = await h.hubspot.execute({ actionUrl: h.actionUrl, inputFields: goodInputs({ blockExpiration: '' }) });
    expect(outputsOf(run.body)).toMatchObject({ hs_execution_state: 'BLOCK', hs_expiration_duration: 'PT36H' });
  });

  it('answers FAIL_CONTINUE naming the input for a wait that is not a duration, or longer than a year', async () => {
    h = await startHarness();
    for (const bad of ['next week', 'P2Y']) {
      const run = await h.hubspot.execute({
        actionUrl: h.actionUrl,
        inputFields: goodInputs({ blockExpiration: bad }),
      });
      const out = outputsOf(run.body);
      expect(out).toMatchObject({ hs_execution_state: 'FAIL_CONTINUE', errorCode: 'validation_error' });
      expect(out.errorMessage).toContain('(input "blockExpiration")');
    }
    expect(h.sb.cases).toHaveLength(0);
  });
});
