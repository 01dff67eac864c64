import { afterEach, describe, expect, it } from 'vitest';
import { automationSender, completeCallbacks, isAlreadyCompleted } from '../../src/hubspot/workflow-action/index';
import { startFakeHubSpotAutomation } from '../../src/sandbox/fake-hubspot-automation';
import { automation, listen, runCleanups } from './fixtures';
import { APP_SECRET, outputsOf } from './harness';

afterEach(runCleanups);

/** An app that answers every execution with BLOCK, so the stand-in has a callback to complete. */
async function blockingApp(): Promise<string> {
  const app = await listen((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ outputFields: { hs_execution_state: 'BLOCK', hs_expiration_duration: 'P1DT12H' } }));
    });
  });
  return `${app.url}/act`;
}

describe('the HubSpot automation stand-in', () => {
  it('refuses a second completion of one callback as HubSpot does: 400, saying it is already completed', async () => {
    const hubspot = await automation();
    const run = await hubspot.execute({ actionUrl: await blockingApp() });
    expect(outputsOf(run.body).hs_execution_state).toBe('BLOCK');
    const send = automationSender({ accessToken: hubspot.accessToken }, { baseUrl: hubspot.url, maxRetries: 0 });
    const completion = { callbackId: run.callbackId, outputFields: { hs_execution_state: 'SUCCESS' } };
    await completeCallbacks(send, [completion]);
    const again = await completeCallbacks(send, [completion]).catch((e: unknown) => e);
    expect(again).toMatchObject({ status: 400, code: 'hubspot_validation_error' });
    expect(isAlreadyCompleted(again)).toBe(true);
    expect(hubspot.completions).toHaveLength(1);
  });

  it("reads the block expiry with the SDK's ISO 8601 parser (P1DT12H)", async () => {
    let t = Date.now();
    const hubspot = await automation({ now: () => t });
    const run = await hubspot.execute({ actionUrl: await blockingApp() });
    t += 36 * 3_600_000 - 1;
    expect(hubspot.blockedCallbacks).toEqual([run.callbackId]);
    const send = automationSender({ accessToken: hubspot.accessToken }, { baseUrl: hubspot.url, maxRetries: 0 });
    t += 2; // past 36 hours: HubSpot has moved on
    const late = await completeCallbacks(send, [
      { callbackId: run.callbackId, outputFields: { hs_execution_state: 'SUCCESS' } },
    ]).catch((e: unknown) => e);
    expect(late).toMatchObject({ status: 400 });
    expect((late as Error).message).toMatch(/expired/);
  });

  it('answers 413 to an API request body over its limit', async () => {
    const hubspot = await automation({ maxBodyBytes: 1024 });
    const res = await fetch(`${hubspot.url}/automation/v4/actions/callbacks/complete`, {
      method: 'POST',
      headers: { authorization: `Bearer ${hubspot.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ callbackId: 'x', outputFields: { pad: 'x'.repeat(4096) } }] }),
    });
    expect(res.status).toBe(413);
    expect(hubspot.completions).toHaveLength(0);
  });

  it('rejects pending waitForCompletion calls on close instead of leaving their timers running', async () => {
    const hubspot = await startFakeHubSpotAutomation({ appSecret: APP_SECRET });
    const waiting = hubspot.waitForCompletion('ap-never-completed', 60_000);
    await hubspot.close();
    await expect(waiting).rejects.toThrow(/closed/);
    await expect(hubspot.waitForCompletion('ap-after-close', 60_000)).rejects.toThrow(/closed/);
  });
});
