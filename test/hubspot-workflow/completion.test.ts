import { afterEach, describe, expect, it } from 'vitest';
import {
  createMemoryCallbackStore,
  createWorkflowActionHandler,
  type CallbackStore,
  type WorkflowActionHandler,
  type WorkflowActionHandlerOptions,
} from '../../src/hubspot/workflow-action/index';
import type { FakeHubSpotAutomation } from '../../src/sandbox/fake-hubspot-automation';
import { automation, baseOptions, decision, fakeFml, listen, runCleanups, sandbox } from './fixtures';
import { goodInputs, outputsOf } from './harness';

afterEach(runCleanups);

/** The handler served on a loopback app server, so the HubSpot stand-in can execute it. */
async function serve(
  options: WorkflowActionHandlerOptions,
): Promise<{ handler: WorkflowActionHandler; actionUrl: string }> {
  const app = await listen(() => undefined);
  const handler = createWorkflowActionHandler({ ...options, publicUrl: app.url });
  app.server.on('request', (req, res) => void handler.node(req, res));
  return { handler, actionUrl: `${app.url}/act` };
}

const hubspotOf = (hubspot: FakeHubSpotAutomation, over: Partial<WorkflowActionHandlerOptions['hubspot']> = {}) => ({
  baseUrl: hubspot.url,
  accessToken: hubspot.accessToken,
  retryBaseDelayMs: 5,
  ...over,
});

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
    expect(outputsOf(answer.body)).toMatchObject({
      hs_execution_state: 'SUCCESS',
      caseId,
      status: 'approved',
      decision: 'approve',
    });
    expect(await event).toMatchObject({ completed: [], failed: [] });
    // Nothing is left blocked waiting for a decision FML will not announce again.
    expect(await memory.get(answer.callbackId)).toMatchObject({
      state: 'answered',
      answer: { hs_execution_state: 'SUCCESS' },
    });
    expect(hubspot.blockedCallbacks).toEqual([]);
    expect(hubspot.completions).toHaveLength(0);
  });

  it('remembers a decision it had nothing to complete for, so a BLOCK arriving just after answers SUCCESS', async () => {
    const fml = await fakeFml();
    fml.getStatus = 503; // FML's read side is down: only the remembered event knows the decision
    const hubspot = await automation();
    const { handler, actionUrl } = await serve(
      baseOptions({ clientId: 'pk', clientSecret: 'sk', url: fml.url }, { hubspot: hubspotOf(hubspot) }),
    );
    const early = await handler.onFmlEvent(decision('CS-2026-00042', 'declined'));
    expect(early).toMatchObject({ completed: [], outcome: { status: 'declined' } });

    const run = await hubspot.execute({ actionUrl, objectId: 501, inputFields: goodInputs() });
    expect(outputsOf(run.body)).toMatchObject({
      hs_execution_state: 'SUCCESS',
      caseId: 'CS-2026-00042',
      status: 'declined',
      decision: 'decline',
    });
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
    const { handler, actionUrl } = await serve(
      baseOptions(sb, {
        hubspot: hubspotOf(hubspot, { baseUrl: hung.url, timeoutMs: 60_000 }),
        completionDeadlineMs: 300,
      }),
    );
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
    const { handler, actionUrl } = await serve(
      baseOptions(sb, { hubspot: hubspotOf(hubspot), completionDeadlineMs: 2000 }),
    );
    const run = await hubspot.execute({ actionUrl, inputFields: goodInputs() });
    hubspot.failCompletions({ status: 429, retryAfterSeconds: 25 }); // within maxRetryAfterMs, beyond the deadline

    const error = await handler.onFmlEvent(decision(sb.cases[0]!.caseId, 'approved')).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'callback_completion_failed',
      cause: { status: 429, code: 'hubspot_rate_limited' },
    });
    expect(hubspot.requests.filter((r) => r.path.includes('/callbacks/')).map((r) => r.status)).toEqual([429]);
    // The redelivery completes it.
    expect((await handler.onFmlEvent(decision(sb.cases[0]!.caseId, 'approved'))).completed).toEqual([run.callbackId]);
  });

  it('stops when the caller aborts (the webhook request went away)', async () => {
    const sb = await sandbox();
    const hubspot = await automation();
    const controller = new AbortController();
    const hung = await listen(() => controller.abort());
    const { handler, actionUrl } = await serve(
      baseOptions(sb, {
        hubspot: hubspotOf(hubspot, { baseUrl: hung.url, timeoutMs: 60_000 }),
        completionDeadlineMs: 60_000,
      }),
    );
    await hubspot.execute({ actionUrl, inputFields: goodInputs() });
    const error = await handler
      .onFmlEvent(decision(sb.cases[0]!.caseId, 'approved'), { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'callback_completion_failed', cause: { code: 'aborted' } });
  });
});

describe("HubSpot's 'already completed' answer to a retried completion", () => {
  it('counts as completed when the first completion went through but its answer was lost', async () => {
    const sb = await sandbox();
    const hubspot = await automation();
    const reasons: string[] = [];
    const store = createMemoryCallbackStore();
    const { handler, actionUrl } = await serve(
      baseOptions(sb, { store, hubspot: hubspotOf(hubspot), onError: (_e, c) => reasons.push(c.reason) }),
    );
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

describe('a slow store within completionDeadlineMs', () => {
  it('rejects by the deadline when the store hangs recording a completion', async () => {
    const sb = await sandbox();
    const hubspot = await automation();
    const memory = createMemoryCallbackStore();
    let hang = false;
    const slow: CallbackStore = {
      ...memory,
      set: (record) => (hang ? new Promise<void>(() => undefined) : memory.set(record)),
    };
    const { handler, actionUrl } = await serve(
      baseOptions(sb, { store: slow, hubspot: hubspotOf(hubspot), completionDeadlineMs: 100 }),
    );
    const run = await hubspot.execute({ actionUrl, inputFields: goodInputs() });
    expect(outputsOf(run.body).hs_execution_state).toBe('BLOCK');
    hang = true;
    const error = await handler.onFmlEvent(decision(sb.cases[0]!.caseId, 'approved')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'callback_completion_failed', cause: { code: 'timeout' } });
    // HubSpot got the completion before the store stalled.
    expect(hubspot.completions.map((c) => c.callbackId)).toEqual([run.callbackId]);
  });

  it('rejects by the deadline while waiting behind a stuck pass, and never runs the pass it gave up on', async () => {
    const sb = await sandbox();
    const hubspot = await automation();
    const memory = createMemoryCallbackStore();
    let release!: () => void;
    let storing!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const blockBeingStored = new Promise<void>((resolve) => (storing = resolve));
    let lookups = 0;
    // The BLOCK's write hangs, holding the case's queue.
    const slow: CallbackStore = {
      ...memory,
      set: async (record) => {
        if (record.state === 'blocked') {
          storing();
          await gate;
        }
        return memory.set(record);
      },
      findByCase: (caseId) => {
        lookups++;
        return memory.findByCase(caseId);
      },
    };
    const { handler, actionUrl } = await serve(
      baseOptions(sb, { store: slow, hubspot: hubspotOf(hubspot), completionDeadlineMs: 100 }),
    );
    const running = hubspot.execute({ actionUrl, inputFields: goodInputs() });
    await blockBeingStored;
    const caseId = sb.cases[0]!.caseId;
    const error = await handler.onFmlEvent(decision(caseId, 'approved')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'callback_completion_failed', cause: { code: 'timeout' } });

    const before = lookups;
    release();
    const answer = await running;
    expect(outputsOf(answer.body).hs_execution_state).toBe('BLOCK');
    // The abandoned pass did not start once the queue freed up: no lookup, no completion.
    expect(lookups).toBe(before);
    expect(hubspot.completions).toHaveLength(0);
    // FML's redelivery completes it.
    sb.advanceCase(caseId, 'approved');
    expect((await handler.onFmlEvent(decision(caseId, 'approved'))).completed).toEqual([answer.callbackId]);
  });
});

describe('a decision found after the BLOCK, when the store cannot record it', () => {
  /** A store whose `set` fails on the calls numbered in `failing` (1-based). */
  function flaky(failing: (n: number) => boolean): { store: CallbackStore; memory: CallbackStore } {
    const memory = createMemoryCallbackStore();
    let n = 0;
    return {
      memory,
      store: {
        ...memory,
        set: async (record) => {
          n++;
          if (failing(n)) throw new Error(`disk full (set #${n})`);
          return memory.set(record);
        },
      },
    };
  }

  async function raceDecision(store: CallbackStore, memory: CallbackStore) {
    const sb = await sandbox();
    const hubspot = await automation();
    // The case is decided right after the BLOCK record is written, before the re-check reads it.
    const watching: CallbackStore = {
      ...store,
      set: async (record) => {
        await store.set(record);
        if (record.state === 'blocked') sb.advanceCase(sb.cases[0]!.caseId, 'approved');
      },
    };
    const { actionUrl } = await serve(
      baseOptions(sb, { store: watching, hubspot: hubspotOf(hubspot), onError: () => undefined }),
    );
    const answer = await hubspot.execute({ actionUrl, inputFields: goodInputs() });
    return { answer, hubspot, held: await memory.get(answer.callbackId) };
  }

  it('tries the overwrite once more, and answers SUCCESS only once the store holds it', async () => {
    const { store, memory } = flaky((n) => n === 2);
    const { answer, held } = await raceDecision(store, memory);
    expect(outputsOf(answer.body)).toMatchObject({ hs_execution_state: 'SUCCESS', status: 'approved' });
    expect(held).toMatchObject({ state: 'answered', answer: { hs_execution_state: 'SUCCESS' } });
  });

  it('answers the BLOCK the store holds when the overwrite keeps failing, then completes the callback itself', async () => {
    const { store, memory } = flaky((n) => n >= 2);
    const { answer, hubspot, held } = await raceDecision(store, memory);
    expect(outputsOf(answer.body).hs_execution_state).toBe('BLOCK');
    expect(held).toMatchObject({ state: 'blocked' });
    const completion = await hubspot.waitForCompletion(answer.callbackId, 5000);
    expect(completion.outputFields).toMatchObject({
      hs_execution_state: 'SUCCESS',
      status: 'approved',
      decision: 'approve',
    });
    expect(hubspot.blockedCallbacks).toEqual([]);
  });
});

describe('a remembered decision against a fresh read', () => {
  it('follows the fresh FML read when it succeeds, even after an earlier decision event', async () => {
    const fml = await fakeFml(); // reads answer the case as in-progress
    const hubspot = await automation();
    const { handler, actionUrl } = await serve(
      baseOptions({ clientId: 'pk', clientSecret: 'sk', url: fml.url }, { hubspot: hubspotOf(hubspot) }),
    );
    await handler.onFmlEvent(decision('CS-2026-00042', 'declined'));
    const run = await hubspot.execute({ actionUrl, objectId: 501, inputFields: goodInputs() });
    expect(outputsOf(run.body).hs_execution_state).toBe('BLOCK');
    expect(hubspot.blockedCallbacks).toEqual([run.callbackId]);
  });
});
