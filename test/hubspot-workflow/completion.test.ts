import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryCallbackStore, createWorkflowActionHandler, type CallbackStore, type WorkflowActionHandler, type WorkflowActionHandlerOptions } from '../../src/hubspot/workflow-action/index';
import type { FakeHubSpotAutomation } from '../../src/sandbox/fake-hubspot-automation';
import { automation, baseOptions, decision, fakeFml, listen, runCleanups, sandbox } from './fixtures';
import { goodInputs, outputsOf } from './harness';

afterEach(runCleanups);

/** The handler served on a loopback app server, so the HubSpot stand-in can execute it. */
async function serve(options: WorkflowActionHandlerOptions): Promise<{ handler: WorkflowActionHandler; actionUrl: string }> {
  const app = await listen(() => undefined);
  const handler = createWorkflowActionHandler({ ...options, publicUrl: app.url });
  app.server.on('request', (req, res) => void handler.node(req, res));
  return { handler, actionUrl: `${app.url}/act` };
}

const hubspotOf = (hubspot: FakeHubSpotAutomation, over: Partial<WorkflowActionHandlerOptions['hubspot']> = {}) => ({ baseUrl: hubspot.url, accessToken: hubspot.accessToken, retryBaseDelayMs: 5, ...over });

describe('a decision that races the BLOCK', () => {
  it('answers SUCCESS with the outcome when FML decides while the BLOCK is being stored', async () => {
    const sb = await sandbox();
    const hubspot = await automation();
    const memory = createMemoryCallbackStore();
    let release!: () => void;
    let storing!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const blockBeingStored = new Promise<void>((resolve) => (storing = resolve));
    // A slow disk: the BLOCK record takes until `release()` to be stored.
    const slow: CallbackStore = {
      ...memory,
      set: async (record) => {
        if (record.state === 'blocked') {
          storing();
          await gate;
        }
        return memory.set(record);
      },
    };
    const { handler, actionUrl } = await serve(baseOptions(sb, { store: slow, hubspot: hubspotOf(hubspot) }));

    const running = hubspot.execute({ actionUrl, inputFields: goodInputs() });
    await blockBeingStored;
    const caseId = sb.cases[0]!.caseId;
    sb.advanceCase(caseId, 'approved');
    const event = handler.onFmlEvent(decision(caseId, 'approved'));
    release();

    const answer = await running;
    expect(outputsOf(answer.body)).toMatchObject({ hs_execution_state: 'SUCCESS', caseId, status: 'approved', decision: 'approve' });
    expect(await event).toMatchObject({ completed: [], failed: [] });
    // Nothing is left blocked waiting for a decision FML will not announce again.
    expect(await memory.get(answer.callbackId)).toMatchObject({ state: 'answered', answer: { hs_execution_state: 'SUCCESS' } });
    expect(hubspot.blockedCallbacks).toEqual([]);
    expect(hubspot.completions).toHaveLength(0);
  });

  it('remembers a decision it had nothing to complete for, so a BLOCK arriving just after answers SUCCESS', async () => {
    const fml = await fakeFml();
    fml.getStatus = 503; // FML's read side is down: only the remembered event knows the decision
    const hubspot = await automation();
    const { handler, actionUrl } = await serve(baseOptions({ clientId: 'pk', clientSecret: 'sk', url: fml.url }, { hubspot: hubspotOf(hubspot) }));
    const early = await handler.onFmlEvent(decision('CS-2026-00042', 'declined'));
    expect(early).toMatchObject({ completed: [], outcome: { status: 'declined' } });

    const run = await hubspot.execute({ actionUrl, objectId: 501, inputFields: goodInputs() });
    expect(outputsOf(run.body)).toMatchObject({ hs_execution_state: 'SUCCESS', caseId: 'CS-2026-00042', status: 'declined', decision: 'decline' });
    expect(hubspot.blockedCallbacks).toEqual([]);
  });
});

describe('completing callbacks within a deadline', () => {
  it('fails fast when HubSpot hangs, so the webhook is answered 5xx and FML redelivers', async () => {
    const sb = await sandbox();
    const hubspot = await automation();
    let arrived!: () => void;
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    const hung = await listen(() => arrived()); // accepts, never answers
    const { handler, actionUrl } = await serve(baseOptions(sb, { hubspot: hubspotOf(hubspot, { baseUrl: hung.url, timeoutMs: 60_000 }), completionDeadlineMs: 300 }));
    const run = await hubspot.execute({ actionUrl, inputFields: goodInputs() });

    const error = await handler.onFmlEvent(decision(sb.cases[0]!.caseId, 'approved')).catch((e: unknown) => e);
    await reached;
    expect(error).toMatchObject({ code: 'callback_completion_failed', cause: { code: 'timeout' } });
    // Still blocked, so FML's redelivery can complete it.
    expect(hubspot.blockedCallbacks).toEqual([run.callbackId]);
  });

  it("does not sleep through a Retry-After longer than what is left: it stops with HubSpot's 429 at once", async () => {
    const sb = await sandbox();
    const hubspot = await automation();
    const { handler, actionUrl } = await serve(baseOptions(sb, { hubspot: hubspotOf(hubspot), completionDeadlineMs: 2000 }));
    const run = await hubspot.execute({ actionUrl, inputFields: goodInputs() });
    hubspot.failCompletions({ status: 429, retryAfterSeconds: 25 }); // within maxRetryAfterMs, beyond the deadline

    const error = await handler.onFmlEvent(decision(sb.cases[0]!.caseId, 'approved')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'callback_completion_failed', cause: { status: 429, code: 'hubspot_rate_limited' } });
    expect(hubspot.requests.filter((r) => r.path.includes('/callbacks/')).map((r) => r.status)).toEqual([429]);
    // The redelivery completes it.
    expect((await handler.onFmlEvent(decision(sb.cases[0]!.caseId, 'approved'))).completed).toEqual([run.callbackId]);
  });

  it('stops when the caller aborts (the webhook request went away)', async () => {
    const sb = await sandbox();
    const hubspot = await automation();
    const controller = new AbortController();
    const hung = await listen(() => controller.abort());
    const { handler, actionUrl } = await serve(baseOptions(sb, { hubspot: hubspotOf(hubspot, { baseUrl: hung.url, timeoutMs: 60_000 }), completionDeadlineMs: 60_000 }));
    await hubspot.execute({ actionUrl, inputFields: goodInputs() });
    const error = await handler.onFmlEvent(decision(sb.cases[0]!.caseId, 'approved'), { signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'callback_completion_failed', cause: { code: 'aborted' } });
  });
});

describe("HubSpot's 'already completed' answer to a retried completion", () => {
  it('counts as completed when the first completion went through but its answer was lost', async () => {
    const sb = await sandbox();
    const hubspot = await automation();
    const reasons: string[] = [];
    const store = createMemoryCallbackStore();
    const { handler, actionUrl } = await serve(baseOptions(sb, { store, hubspot: hubspotOf(hubspot), onError: (_e, c) => reasons.push(c.reason) }));
    const run = await hubspot.execute({ actionUrl, inputFields: goodInputs() });
    hubspot.failCompletions({ status: 'drop' });

    const result = await handler.onFmlEvent(decision(sb.cases[0]!.caseId, 'approved'));
    expect(result).toMatchObject({ completed: [run.callbackId], failed: [] });
    // The retry met HubSpot's refusal of a second completion.
    const calls = hubspot.requests.filter((r) => r.path.includes('/callbacks/'));
    expect(calls.map((r) => r.status)).toEqual([0, 400]);
    expect(await store.get(run.callbackId)).toMatchObject({ state: 'completed' });
    expect(reasons).not.toContain('completion_refused');
    expect(hubspot.completions).toHaveLength(1);
  });

  it('does the same for a batch: each callback, tried alone, is found already completed', async () => {
    const sb = await sandbox();
    const hubspot = await automation();
    const { handler, actionUrl } = await serve(baseOptions(sb, { hubspot: hubspotOf(hubspot) }));
    const a = await hubspot.execute({ actionUrl, objectId: 70, inputFields: goodInputs() });
    const b = await hubspot.execute({ actionUrl, objectId: 70, inputFields: goodInputs() });
    hubspot.failCompletions({ status: 'drop' });
    const result = await handler.onFmlEvent(decision(sb.cases[0]!.caseId, 'declined'));
    expect(result.completed.sort()).toEqual([a.callbackId, b.callbackId].sort());
    expect(result.failed).toEqual([]);
    expect(hubspot.completions.map((c) => c.via)).toEqual(['batch', 'batch']);
  });
});
