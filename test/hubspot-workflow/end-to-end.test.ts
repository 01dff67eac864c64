import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createJsonFileCallbackStore } from '../../src/hubspot/workflow-action/index';
import { goodInputs, makeClock, outputsOf, startHarness, type Harness } from './harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const DAY = 86_400_000;

describe('workflow action, end to end (HubSpot stand-in → handler → FML sandbox → webhook → callback)', () => {
  it('blocks until FML approves, then completes the callback with the outcome', async () => {
    h = await startHarness();
    const first = await h.hubspot.execute({
      actionUrl: h.actionUrl,
      objectId: 4401,
      properties: { name: 'Acme (CRM name)', country: 'GB', domain: 'acme.example' },
      inputFields: goodInputs(),
    });

    expect(first.status).toBe(200);
    expect(first.body).toEqual({ outputFields: { hs_execution_state: 'BLOCK', hs_expiration_duration: 'P1W' } });
    expect(h.sb.cases).toHaveLength(1);
    const kase = h.sb.cases[0]!;
    expect(kase).toMatchObject({
      crmRecordId: '4401',
      crmSource: 'hubspot',
      customerEmail: 'jane.doe@acme.example',
      customerName: 'Jane Doe',
      companyName: 'Acme Trading Ltd',
      country: 'United Kingdom',
    });
    expect(kase.inviteSentAt).toEqual(expect.any(String));
    const stored = await h.store.get(first.callbackId);
    expect(stored).toMatchObject({ state: 'blocked', caseId: kase.caseId, portalId: '7654321', objectId: '4401' });

    // Progress and intermediate statuses are delivered but must not complete the callback.
    h.sb.advanceCase(kase.caseId, 'collecting_documents');
    h.sb.advanceCase(kase.caseId, 'pending_senior');
    await h.sb.waitForDeliveries();
    expect(h.hubspot.completions).toHaveLength(0);
    expect(h.hubspot.blockedCallbacks).toEqual([first.callbackId]);

    h.sb.advanceCase(kase.caseId, 'approved');
    const completion = await h.hubspot.waitForCompletion(first.callbackId);
    expect(completion).toMatchObject({
      via: 'single',
      outputFields: {
        hs_execution_state: 'SUCCESS',
        caseId: kase.caseId,
        status: 'approved',
        decision: 'approve',
        customerPortalUrl: kase.customerPortalUrl,
      },
    });
    await h.sb.waitForDeliveries();
    // Both decision events (status.changed and decision.made) arrived; the callback was completed once.
    expect(h.hubspot.completions).toHaveLength(1);
    expect(h.sb.deliveries.every((d) => d.attempts.at(-1)?.status === 200)).toBe(true);
    expect(await h.store.get(first.callbackId)).toMatchObject({
      state: 'completed',
      completion: { status: 'approved' },
    });
  });

  it('completes a declined case too, with the outcome for the workflow to branch on', async () => {
    h = await startHarness();
    const run = await h.hubspot.execute({ actionUrl: h.actionUrl, inputFields: goodInputs() });
    const caseId = h.sb.cases[0]!.caseId;
    h.sb.advanceCase(caseId, 'declined');
    const completion = await h.hubspot.waitForCompletion(run.callbackId);
    expect(completion.outputFields).toMatchObject({
      hs_execution_state: 'SUCCESS',
      status: 'declined',
      decision: 'decline',
      caseId,
    });
  });

  it('answers SUCCESS with the case at once when the workflow does not wait', async () => {
    h = await startHarness();
    const run = await h.hubspot.execute({
      actionUrl: h.actionUrl,
      objectId: 77,
      properties: { name: 'Globex GmbH', country: 'Germany' },
      inputFields: { contactEmail: 'ops@globex.example', sendInvite: 'false', waitForDecision: 'false' },
    });
    const kase = h.sb.cases[0]!;
    expect(run.status).toBe(200);
    expect(outputsOf(run.body)).toEqual({
      hs_execution_state: 'SUCCESS',
      caseId: kase.caseId,
      customerPortalUrl: kase.customerPortalUrl,
      status: 'in-progress',
    });
    // Empty inputs fall back to the Company's own properties; no invite was asked for.
    expect(kase).toMatchObject({
      companyName: 'Globex GmbH',
      country: 'Germany',
      crmRecordId: '77',
      inviteSentAt: null,
    });
    expect(h.hubspot.blockedCallbacks).toEqual([]);
  });

  it('answers a redelivered execution with the first answer and creates nothing more', async () => {
    h = await startHarness();
    const first = await h.hubspot.execute({
      actionUrl: h.actionUrl,
      inputFields: goodInputs({ waitForDecision: 'false' }),
    });
    const again = await h.hubspot.execute({
      actionUrl: h.actionUrl,
      callbackId: first.callbackId,
      inputFields: goodInputs({ waitForDecision: 'false' }),
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(h.casesCreatedViaApi()).toBe(1);
    expect(h.sb.cases).toHaveLength(1);
  });

  it('answers concurrent deliveries of one execution once', async () => {
    h = await startHarness();
    const callbackId = 'ap-7654321-concurrent-1';
    const runs = await Promise.all(
      [1, 2, 3].map(() => h!.hubspot.execute({ actionUrl: h!.actionUrl, callbackId, inputFields: goodInputs() })),
    );
    expect(runs.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(new Set(runs.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(h.casesCreatedViaApi()).toBe(1);
  });

  it('refuses requests that HubSpot did not sign, or signed too long ago (401), before touching FML', async () => {
    h = await startHarness();
    const forged = await h.hubspot.execute({
      actionUrl: h.actionUrl,
      inputFields: goodInputs(),
      signWith: 'not-the-app-secret',
    });
    const tampered = await h.hubspot.execute({
      actionUrl: h.actionUrl,
      inputFields: goodInputs(),
      tamper: (b) => b.replace('jane.doe@acme.example', 'evil@attacker.example'),
    });
    const unsigned = await h.hubspot.execute({ actionUrl: h.actionUrl, inputFields: goodInputs(), signature: 'none' });
    const stale = await h.hubspot.execute({
      actionUrl: h.actionUrl,
      inputFields: goodInputs(),
      timestamp: Date.now() - 6 * 60_000,
    });
    const v1 = await h.hubspot.execute({ actionUrl: h.actionUrl, inputFields: goodInputs(), signature: 'v1' });

    expect([forged, tampered, unsigned, stale, v1].map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    expect([forged, tampered, unsigned, stale, v1].map((r) => (r.body as { reason: string }).reason)).toEqual([
      'signature_mismatch',
      'signature_mismatch',
      'missing_signature',
      'timestamp_too_old',
      'version_not_allowed',
    ]);
    expect(h.fmlRequests).toHaveLength(0);
    expect(h.sb.cases).toHaveLength(0);
  });

  it('accepts v2-only and v3-only signatures', async () => {
    h = await startHarness();
    const v2 = await h.hubspot.execute({
      actionUrl: h.actionUrl,
      inputFields: goodInputs({ waitForDecision: 'false' }),
      signature: 'v2',
    });
    const v3 = await h.hubspot.execute({
      actionUrl: h.actionUrl,
      objectId: 5,
      inputFields: goodInputs({ waitForDecision: 'false' }),
      signature: 'v3-only',
    });
    expect([v2.status, v3.status]).toEqual([200, 200]);
  });

  it('answers 400 with the reasons for a malformed execution request', async () => {
    h = await startHarness();
    const broken = await h.hubspot.execute({
      actionUrl: h.actionUrl,
      rawBody: JSON.stringify({ origin: { portalId: 1 }, object: { objectType: 'COMPANY' }, inputFields: [] }),
    });
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ error: 'invalid_request' });
    const paths = (broken.body as { issues: { path: string }[] }).issues.map((i) => i.path).sort();
    expect(paths).toEqual(['callbackId', 'inputFields', 'object.objectId']);
    const notJson = await h.hubspot.execute({ actionUrl: h.actionUrl, rawBody: 'callbackId=1' });
    expect([notJson.status, (notJson.body as { error: string }).error]).toEqual([400, 'invalid_json']);
    expect(h.sb.cases).toHaveLength(0);
  });

  it('answers 429 with Retry-After while FML is down, and the retry creates the case', async () => {
    h = await startHarness();
    h.sb.faults.serverError(503, { path: '/v1/cases', times: 'always' });
    const down = await h.hubspot.execute({ actionUrl: h.actionUrl, inputFields: goodInputs() });
    expect(down.status).toBe(429);
    expect(down.headers['retry-after']).toBe('60');
    expect(await h.store.get(down.callbackId)).toBeUndefined();

    h.sb.faults.clear();
    const retried = await h.hubspot.execute({
      actionUrl: h.actionUrl,
      callbackId: down.callbackId,
      inputFields: goodInputs(),
    });
    expect(retried.status).toBe(200);
    expect(outputsOf(retried.body).hs_execution_state).toBe('BLOCK');
    expect(h.sb.cases).toHaveLength(1);
    expect(h.reported.map((r) => r.reason)).toContain('fml_unavailable');
  });

  it("answers 429 with FML's Retry-After while FML is throttling", async () => {
    h = await startHarness();
    h.sb.faults.rateLimit(7, { path: '/v1/cases' });
    const throttled = await h.hubspot.execute({ actionUrl: h.actionUrl, inputFields: goodInputs() });
    expect(throttled.status).toBe(429);
    expect(throttled.headers['retry-after']).toBe('7');
    expect(h.sb.cases).toHaveLength(0);
  });

  it('answers 429 when FML drops the connection', async () => {
    h = await startHarness();
    h.sb.faults.resetConnection({ path: '/v1/cases' });
    const reset = await h.hubspot.execute({ actionUrl: h.actionUrl, inputFields: goodInputs() });
    expect(reset.status).toBe(429);
    expect(reset.body).toMatchObject({ error: 'fml_unavailable' });
  });

  it('answers FAIL_CONTINUE, naming the input, when the Company cannot become a case', async () => {
    h = await startHarness();
    const run = await h.hubspot.execute({
      actionUrl: h.actionUrl,
      inputFields: goodInputs({ contactEmail: 'not-an-email' }),
    });
    expect(run.status).toBe(200);
    const out = outputsOf(run.body);
    expect(out).toMatchObject({ hs_execution_state: 'FAIL_CONTINUE', errorCode: 'validation_error' });
    expect(out.errorMessage).toContain('contactEmail');
    expect(out.errorMessage).toContain('not-an-email');
    expect(h.fmlRequests.filter((r) => r.path === '/v1/cases')).toHaveLength(0);

    const empty = await h.hubspot.execute({ actionUrl: h.actionUrl, inputFields: goodInputs({ contactEmail: '' }) });
    expect(outputsOf(empty.body).errorMessage).toMatch(/Contact email is empty/);
  });

  it("answers 429 with Retry-After when FML refuses the app's own client (403 insufficient_scope)", async () => {
    h = await startHarness({
      fmlClient: (sb) => {
        const limited = sb.createClient({ scopes: ['read:cases'] });
        return { clientId: limited.clientId, clientSecret: limited.clientSecret };
      },
    });
    const run = await h.hubspot.execute({ actionUrl: h.actionUrl, inputFields: goodInputs() });
    // The operator's misconfiguration, not the Company's: no permanent FAIL_CONTINUE, nothing remembered.
    expect(run.status).toBe(429);
    expect(run.headers['retry-after']).toBe('300');
    expect(run.body).toMatchObject({ error: 'fml_credentials_rejected' });
    expect(await h.store.get(run.callbackId)).toBeUndefined();
    expect(h.sb.cases).toHaveLength(0);
    expect(h.reported.map((r) => r.reason)).toContain('fml_credentials_rejected');
  });

  it('completes several blocked executions of one case with the batch endpoint', async () => {
    h = await startHarness();
    const a = await h.hubspot.execute({ actionUrl: h.actionUrl, objectId: 900, inputFields: goodInputs() });
    const b = await h.hubspot.execute({ actionUrl: h.actionUrl, objectId: 900, inputFields: goodInputs() });
    expect(h.sb.cases).toHaveLength(1);
    h.sb.advanceCase(h.sb.cases[0]!.caseId, 'approved');
    await Promise.all([h.hubspot.waitForCompletion(a.callbackId), h.hubspot.waitForCompletion(b.callbackId)]);
    expect(h.hubspot.completions.map((c) => c.via)).toEqual(['batch', 'batch']);
    const batchCalls = h.hubspot.requests.filter((r) => r.path === '/automation/actions/callbacks/2026-03/complete');
    expect(batchCalls).toHaveLength(1);
    expect((batchCalls[0]!.body as { inputs: unknown[] }).inputs).toHaveLength(2);
  });

  it("retries HubSpot's 429 and 5xx on completion, honouring Retry-After", async () => {
    h = await startHarness();
    const run = await h.hubspot.execute({ actionUrl: h.actionUrl, inputFields: goodInputs() });
    h.hubspot.failCompletions({ status: 429, retryAfterSeconds: 1 });
    h.hubspot.failCompletions({ status: 502 });
    h.sb.advanceCase(h.sb.cases[0]!.caseId, 'approved');
    await h.hubspot.waitForCompletion(run.callbackId);
    const statuses = h.hubspot.requests.filter((r) => r.path.includes('/callbacks/')).map((r) => r.status);
    expect(statuses).toEqual([429, 502, 204]);
    expect(h.hubspot.completions).toHaveLength(1);
  });

  it('leaves the callback blocked when HubSpot stays down, and completes it on FML redelivery', async () => {
    h = await startHarness();
    const run = await h.hubspot.execute({ actionUrl: h.actionUrl, inputFields: goodInputs() });
    // A decision sends two events; each gets 1 attempt + 4 retries, all failing: both deliveries are
    // answered 500, and FML's redelivery completes the callback.
    h.hubspot.failCompletions({ status: 503, times: 10, retryAfterSeconds: 0 });
    h.sb.advanceCase(h.sb.cases[0]!.caseId, 'approved');
    const completion = await h.hubspot.waitForCompletion(run.callbackId, 15_000);
    expect(completion.outputFields.status).toBe('approved');
    await h.sb.waitForDeliveries();
    const decisionDeliveries = h.sb.deliveries.filter((d) => d.attempts.some((a) => a.status === 500));
    expect(decisionDeliveries).toHaveLength(2);
    expect(decisionDeliveries.every((d) => d.attempts.at(-1)?.status === 200)).toBe(true);
    expect(h.hubspot.completions).toHaveLength(1);
    expect(h.reported.map((r) => r.reason)).toContain('completion_failed');
  });

  it('does not complete an expired block, and forgets it', async () => {
    const clock = makeClock();
    h = await startHarness({ clock, actionOptions: { expirationDuration: 'PT30M' } });
    const run = await h.hubspot.execute({ actionUrl: h.actionUrl, inputFields: goodInputs() });
    expect(outputsOf(run.body).hs_expiration_duration).toBe('PT30M');
    clock.advance(30 * 60_000 + 1);
    const result = await h.action.onFmlEvent({
      event: 'case.decision.made',
      eventId: 'e-1',
      eventVersion: 1,
      timestamp: new Date().toISOString(),
      orgId: 'org',
      caseId: h.sb.cases[0]!.caseId,
      status: 'approved',
      decision: 'approve',
    });
    expect(result).toMatchObject({ completed: [], expired: [run.callbackId] });
    expect(h.hubspot.completions).toHaveLength(0);
    expect(await h.store.get(run.callbackId)).toBeUndefined();
  });

  it('prunes blocks past their expiry, so a late decision completes nothing', async () => {
    const clock = makeClock();
    h = await startHarness({ clock, actionOptions: { expirationDuration: 'P2D' } });
    const run = await h.hubspot.execute({ actionUrl: h.actionUrl, inputFields: goodInputs() });
    clock.advance(2 * DAY + 1);
    expect(await h.action.prune()).toBe(1);
    expect(await h.store.get(run.callbackId)).toBeUndefined();
    h.sb.advanceCase(h.sb.cases[0]!.caseId, 'approved');
    await h.sb.waitForDeliveries();
    expect(h.hubspot.completions).toHaveLength(0);
  });

  it('survives a restart: a new server with the same JSON store completes the callback', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fml-wfa-'));
    try {
      const file = join(dir, 'callbacks.json');
      h = await startHarness({ store: createJsonFileCallbackStore(file) });
      const run = await h.hubspot.execute({ actionUrl: h.actionUrl, inputFields: goodInputs() });
      await h.restart(createJsonFileCallbackStore(file));
      h.sb.advanceCase(h.sb.cases[0]!.caseId, 'approved');
      const completion = await h.hubspot.waitForCompletion(run.callbackId);
      expect(completion.outputFields).toMatchObject({ hs_execution_state: 'SUCCESS', status: 'approved' });
      // A repeat of the execution after the restart still gets the first answer.
      const again = await h.hubspot.execute({
        actionUrl: h.actionUrl,
        callbackId: run.callbackId,
        inputFields: goodInputs(),
      });
      expect(again.body).toEqual(run.body);
      expect(h.casesCreatedViaApi()).toBe(1);
      await h.sb.waitForDeliveries();
    } finally {
      await h?.close();
      h = undefined;
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('answers SUCCESS at once when a waiting re-run finds the case already decided', async () => {
    h = await startHarness();
    const first = await h.hubspot.execute({
      actionUrl: h.actionUrl,
      objectId: 31,
      inputFields: goodInputs({ waitForDecision: 'false' }),
    });
    h.sb.advanceCase(outputsOf(first.body).caseId!, 'approved');
    await h.sb.waitForDeliveries();
    const rerun = await h.hubspot.execute({ actionUrl: h.actionUrl, objectId: 31, inputFields: goodInputs() });
    expect(outputsOf(rerun.body)).toMatchObject({
      hs_execution_state: 'SUCCESS',
      status: 'approved',
      decision: 'approve',
      caseId: outputsOf(first.body).caseId,
    });
    expect(h.sb.cases).toHaveLength(1);
  });
});
