import { afterEach, describe, expect, it } from 'vitest';
import {
  automationPaths,
  automationSender,
  completeCallbacks,
  createWorkflowActionHandler,
  publishWorkflowAction,
  workflowActionDefinition,
  type AutomationApiVersion,
} from '../../src/hubspot/workflow-action/index';
import { automation, listen, runCleanups } from './fixtures';
import { goodInputs, startHarness, type Harness } from './harness';

// Every automation call family on HubSpot's current (2026-03) paths by default, and on the legacy v4
// paths with { apiVersion: 'v4' }; the stand-in records which path and version each request used.

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  await runCleanups();
});

const DEV_KEY = 'dev-key-3c1d0e9f-0000-4a4a-9b9b-123456789abc';
const actionUrl = 'https://kyb.example.com/hubspot/action';

const PATHS = {
  '2026-03': {
    definitions: '/automation/actions/2026-03/1234567',
    one: (cb: string) => `/automation/actions/callbacks/2026-03/${cb}/complete`,
    batch: '/automation/actions/callbacks/2026-03/complete',
  },
  v4: {
    definitions: '/automation/v4/actions/1234567',
    one: (cb: string) => `/automation/v4/actions/callbacks/${cb}/complete`,
    batch: '/automation/v4/actions/callbacks/complete',
  },
} as const;

async function blockingApp(): Promise<string> {
  const app = await listen((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ outputFields: { hs_execution_state: 'BLOCK' } }));
    });
  });
  return `${app.url}/act`;
}

describe.each([['2026-03'], ['v4']] as [AutomationApiVersion][])('automation API %s', (version) => {
  const options = version === '2026-03' ? {} : { apiVersion: version };
  const expected = PATHS[version];

  it("publishes: lists, creates and updates the definition on this version's paths", async () => {
    const hubspot = await automation({ developerApiKey: DEV_KEY, appId: '1234567' });
    const created = await publishWorkflowAction({
      appId: 1234567,
      definition: workflowActionDefinition({ actionUrl }),
      developerApiKey: DEV_KEY,
      baseUrl: hubspot.url,
      ...options,
    });
    await publishWorkflowAction({
      appId: 1234567,
      definition: workflowActionDefinition({ actionUrl, published: true }),
      developerApiKey: DEV_KEY,
      baseUrl: hubspot.url,
      ...options,
    });
    expect(hubspot.requests.map((r) => `${r.method} ${r.path} ${r.apiVersion} ${r.status}`)).toEqual([
      `GET ${expected.definitions} ${version} 200`,
      `POST ${expected.definitions} ${version} 200`,
      `GET ${expected.definitions} ${version} 200`,
      `PATCH ${expected.definitions}/${created.definitionId} ${version} 200`,
    ]);
  });

  it('completes one callback, with typedOutputs next to outputFields', async () => {
    const hubspot = await automation();
    const run = await hubspot.execute({ actionUrl: await blockingApp() });
    const send = automationSender({ accessToken: hubspot.accessToken }, { baseUrl: hubspot.url, maxRetries: 0 });
    await completeCallbacks(
      send,
      [{ callbackId: run.callbackId, outputFields: { hs_execution_state: 'SUCCESS', caseId: 'c-1' } }],
      options,
    );
    expect(hubspot.requests.map((r) => `${r.path} ${r.apiVersion} ${r.status}`)).toEqual([
      `${expected.one(run.callbackId)} ${version} 204`,
    ]);
    expect(hubspot.requests[0]!.body).toEqual({
      outputFields: { hs_execution_state: 'SUCCESS', caseId: 'c-1' },
      typedOutputs: { hs_execution_state: 'SUCCESS', caseId: 'c-1' },
    });
    expect(hubspot.completions).toMatchObject([{ callbackId: run.callbackId, via: 'single' }]);
  });

  it('completes several callbacks with the batch endpoint', async () => {
    const hubspot = await automation();
    const url = await blockingApp();
    const runs = [await hubspot.execute({ actionUrl: url }), await hubspot.execute({ actionUrl: url })];
    const send = automationSender({ accessToken: hubspot.accessToken }, { baseUrl: hubspot.url, maxRetries: 0 });
    await completeCallbacks(
      send,
      runs.map((r) => ({ callbackId: r.callbackId, outputFields: { hs_execution_state: 'SUCCESS' } })),
      options,
    );
    expect(hubspot.requests.map((r) => `${r.path} ${r.apiVersion} ${r.status}`)).toEqual([
      `${expected.batch} ${version} 204`,
    ]);
    expect((hubspot.requests[0]!.body as { inputs: unknown[] }).inputs).toEqual(
      runs.map((r) => ({
        callbackId: r.callbackId,
        outputFields: { hs_execution_state: 'SUCCESS' },
        typedOutputs: { hs_execution_state: 'SUCCESS' },
      })),
    );
    expect(hubspot.completions.map((c) => c.via)).toEqual(['batch', 'batch']);
  });

  it("the handler completes FML's decision on this version's callbacks path", async () => {
    h = await startHarness({ hubspotOptions: options });
    const run = await h.hubspot.execute({ actionUrl: h.actionUrl, objectId: 901, inputFields: goodInputs() });
    h.sb.advanceCase(h.sb.cases[0]!.caseId, 'approved');
    await h.hubspot.waitForCompletion(run.callbackId);
    const completions = h.hubspot.requests.filter((r) => r.status === 204);
    expect(completions.map((r) => `${r.path} ${r.apiVersion}`)).toEqual([`${expected.one(run.callbackId)} ${version}`]);
  });
});

describe('apiVersion', () => {
  it('the 2026-03 callbacks API refuses a completion without typedOutputs (so the SDK must send it)', async () => {
    const hubspot = await automation();
    const run = await hubspot.execute({ actionUrl: await blockingApp() });
    const res = await fetch(`${hubspot.url}${automationPaths().completeOne(run.callbackId)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${hubspot.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ outputFields: { hs_execution_state: 'SUCCESS' } }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/typedOutputs is required/);
    expect(hubspot.blockedCallbacks).toEqual([run.callbackId]);
  });

  it('refuses an unknown version at configuration time, naming the two it knows', async () => {
    expect(() => automationPaths('v3' as AutomationApiVersion)).toThrow(
      /"2026-03" \(current\) or "v4" \(legacy\), got "v3"/,
    );
    const build = () =>
      createWorkflowActionHandler({
        fml: { cases: { create: async () => ({}) as never, get: async () => ({}) as never } },
        appSecret: 's',
        publicUrl: 'https://x.example',
        hubspot: { accessToken: 't', apiVersion: '2025-01' as AutomationApiVersion },
      });
    expect(build).toThrow(expect.objectContaining({ code: 'configuration_error' }));
    await expect(
      publishWorkflowAction({
        appId: 1,
        definition: workflowActionDefinition({ actionUrl }),
        developerApiKey: 'k',
        apiVersion: 'v5' as AutomationApiVersion,
      }),
    ).rejects.toMatchObject({ code: 'configuration_error' });
  });
});
