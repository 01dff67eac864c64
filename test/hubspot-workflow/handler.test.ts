import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { FmlClient } from '../../src/client';
import { FmlConfigError } from '../../src/errors';
import { createMemoryCallbackStore, createWorkflowActionHandler, type CallbackStore, type WorkflowActionHandlerOptions } from '../../src/hubspot/workflow-action/index';
import { startFakeHubSpotAutomation, type FakeHubSpotAutomation } from '../../src/sandbox/fake-hubspot-automation';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import type { WebhookEvent } from '../../src/webhooks/index';
import { APP_SECRET, goodInputs, outputsOf } from './harness';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  cleanups.push(() => new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  }));
  return { url, server };
}

async function sandbox(): Promise<Sandbox> {
  const sb = await startSandbox();
  cleanups.push(() => sb.close());
  return sb;
}

async function automation(options: Partial<Parameters<typeof startFakeHubSpotAutomation>[0]> = {}): Promise<FakeHubSpotAutomation> {
  const hubspot = await startFakeHubSpotAutomation({ appSecret: APP_SECRET, ...options });
  cleanups.push(() => hubspot.close());
  return hubspot;
}

/** An execution request signed v3 for `signedUrl`, sent to the handler as a Fetch Request for `localUrl`. */
function executionRequest(localUrl: string, signedUrl: string, body: Record<string, unknown>, timestamp = Date.now()): Request {
  const text = JSON.stringify(body);
  return new Request(localUrl, {
    method: 'POST',
    body: text,
    headers: { 'content-type': 'application/json', 'X-HubSpot-Signature-v3': createHmac('sha256', APP_SECRET).update(`POST${signedUrl}${text}${timestamp}`).digest('base64'), 'X-HubSpot-Request-Timestamp': String(timestamp) },
  });
}

const execution = (over: Record<string, unknown> = {}) => ({
  callbackId: `ap-${Math.random().toString(36).slice(2)}`,
  origin: { portalId: 111, actionDefinitionId: 9, actionDefinitionVersion: 1 },
  object: { objectType: 'COMPANY', objectId: 501, properties: { name: 'Initech', country: 'US', domain: 'initech.example' } },
  inputFields: goodInputs({ waitForDecision: 'false' }),
  ...over,
});

const baseOptions = (sb: Pick<Sandbox, 'clientId' | 'clientSecret' | 'url'>, over: Partial<WorkflowActionHandlerOptions> = {}): WorkflowActionHandlerOptions => ({
  fml: new FmlClient({ clientId: sb.clientId, clientSecret: sb.clientSecret, baseUrl: sb.url, maxRetries: 0 }),
  appSecret: APP_SECRET,
  publicUrl: 'https://kyb.example.com',
  hubspot: { accessToken: 'pat-test-token' },
  onError: () => undefined,
  ...over,
});

describe('createWorkflowActionHandler (Fetch API)', () => {
  it('checks the signature against the public URL, not the local one (behind a proxy)', async () => {
    const sb = await sandbox();
    const handler = createWorkflowActionHandler(baseOptions(sb));
    const body = execution();
    const viaProxy = await handler(executionRequest('http://10.0.0.5:3000/hubspot/action?v=1', 'https://kyb.example.com/hubspot/action?v=1', body));
    expect(viaProxy.status).toBe(200);
    expect(outputsOf(await viaProxy.json()).hs_execution_state).toBe('SUCCESS');

    const signedForLocal = await handler(executionRequest('http://10.0.0.5:3000/hubspot/action', 'http://10.0.0.5:3000/hubspot/action', execution()));
    expect(signedForLocal.status).toBe(401);
    expect(await signedForLocal.json()).toMatchObject({ reason: 'signature_mismatch' });

    const custom = createWorkflowActionHandler(baseOptions(sb, { publicUrl: (p) => `https://kyb.example.com/kyb${p}` }));
    expect((await custom(executionRequest('http://local/hubspot/action', 'https://kyb.example.com/kyb/hubspot/action', execution()))).status).toBe(200);
  });

  it('maps the execution onto the case: inputs first, then Company properties, key per portal and Company', async () => {
    const sb = await sandbox();
    const keys: string[] = [];
    const handler = createWorkflowActionHandler(baseOptions(sb, { idempotencyKey: (portal, company) => (keys.push(`${portal}/${company}`), `hubspot-${portal}-${company}`) }));
    const res = await handler(executionRequest('http://x/a', 'https://kyb.example.com/a', execution({ inputFields: { contactEmail: '  ops@initech.example ', companyName: '', sendInvite: 'false' } })));
    expect(res.status).toBe(200);
    expect(sb.cases[0]).toMatchObject({ customerEmail: 'ops@initech.example', companyName: 'Initech', country: 'US', crmRecordId: '501', crmSource: 'hubspot', inviteSentAt: null });
    expect(keys).toEqual(['111/501']);
    // The domain stands in for a Company without a name.
    await handler(executionRequest('http://x/a', 'https://kyb.example.com/a', execution({ object: { objectType: 'COMPANY', objectId: 502, properties: { domain: 'hooli.example' } }, inputFields: { contactEmail: 'a@hooli.example' } })));
    expect(sb.cases[1]).toMatchObject({ companyName: 'hooli.example', crmRecordId: '502' });
  });

  it('accepts requestOrigin (the older name) as well as origin', async () => {
    const sb = await sandbox();
    const handler = createWorkflowActionHandler(baseOptions(sb));
    const { origin, ...rest } = execution();
    const res = await handler(executionRequest('http://x/a', 'https://kyb.example.com/a', { ...rest, requestOrigin: origin }));
    expect(res.status).toBe(200);
  });

  it('answers FAIL_CONTINUE when FML itself rejects the fields (400 validation_error), naming the inputs', async () => {
    const fake = await listen((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/v1/oauth/token') return res.end(JSON.stringify({ access_token: 'fml-token', token_type: 'Bearer', expires_in: 3600 }));
      res.statusCode = 400;
      res.end(JSON.stringify({ error: 'validation_error', message: 'Invalid fields', fields: [{ field: 'customerEmail', message: 'domain does not accept mail' }] }));
    });
    const handler = createWorkflowActionHandler(baseOptions({ clientId: 'pk', clientSecret: 'sk', url: fake.url }));
    const res = await handler(executionRequest('http://x/a', 'https://kyb.example.com/a', execution()));
    const out = outputsOf(await res.json());
    expect(out).toMatchObject({ hs_execution_state: 'FAIL_CONTINUE', errorCode: 'validation_error' });
    expect(out.errorMessage).toMatch(/Contact email domain does not accept mail .*input "contactEmail"/);
  });

  it('answers FAIL_CONTINUE for objects other than Companies, and for option inputs it cannot read', async () => {
    const sb = await sandbox();
    const handler = createWorkflowActionHandler(baseOptions(sb));
    const contact = await handler(executionRequest('http://x/a', 'https://kyb.example.com/a', execution({ object: { objectType: 'CONTACT', objectId: 1 } })));
    expect(outputsOf(await contact.json())).toMatchObject({ hs_execution_state: 'FAIL_CONTINUE', errorCode: 'unsupported_object_type' });
    const badFlag = await handler(executionRequest('http://x/a', 'https://kyb.example.com/a', execution({ inputFields: goodInputs({ sendInvite: 'maybe' }) })));
    const out = outputsOf(await badFlag.json());
    expect(out).toMatchObject({ hs_execution_state: 'FAIL_CONTINUE', errorCode: 'validation_error' });
    expect(out.errorMessage).toMatch(/sendInvite/);
    expect(sb.cases).toHaveLength(0);
  });

  it('answers 500 (HubSpot retries) when a hook throws, and reports it', async () => {
    const sb = await sandbox();
    const reasons: string[] = [];
    const handler = createWorkflowActionHandler(baseOptions(sb, { idempotencyKey: () => { throw new Error('key service down'); }, onError: (_e, c) => reasons.push(c.reason) }));
    const res = await handler(executionRequest('http://x/a', 'https://kyb.example.com/a', execution()));
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ error: 'internal_error' });
    expect(reasons).toEqual(['internal_error']);
    expect(sb.cases).toHaveLength(0);
  });

  it('answers 405 to other methods and 413 to oversized bodies', async () => {
    const sb = await sandbox();
    const handler = createWorkflowActionHandler(baseOptions(sb, { maxBodyBytes: 1024 }));
    expect((await handler(new Request('http://x/a', { method: 'GET' }))).status).toBe(405);
    const big = await handler(executionRequest('http://x/a', 'https://kyb.example.com/a', execution({ padding: 'x'.repeat(2000) })));
    expect(big.status).toBe(413);
  });

  it('answers 503 (so HubSpot retries) when the store cannot remember a BLOCK', async () => {
    const sb = await sandbox();
    const memory = createMemoryCallbackStore();
    const failing: CallbackStore = { ...memory, set: async () => Promise.reject(new Error('disk full')) };
    const handler = createWorkflowActionHandler(baseOptions(sb, { store: failing }));
    const res = await handler(executionRequest('http://x/a', 'https://kyb.example.com/a', execution({ inputFields: goodInputs() })));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('60');
  });

  it('completes the callbacks of each portal with that portal\'s token', async () => {
    const sb = await sandbox();
    const hubspot = await automation({ accessToken: { '111': 'tok-portal-111', '222': 'tok-portal-222' } });
    const asked: string[] = [];
    const app = await listen(() => undefined);
    const handler = createWorkflowActionHandler(baseOptions(sb, { publicUrl: app.url, hubspot: { baseUrl: hubspot.url, getAccessToken: async (portal) => (asked.push(portal), hubspot.accessTokenFor(portal)) } }));
    app.server.removeAllListeners('request');
    app.server.on('request', (req, res) => void handler.node(req, res));
    const a = await hubspot.execute({ actionUrl: `${app.url}/act`, portalId: 111, objectId: 8, inputFields: goodInputs() });
    const b = await hubspot.execute({ actionUrl: `${app.url}/act`, portalId: 222, objectId: 8, inputFields: goodInputs() });
    expect([a.status, b.status]).toEqual([200, 200]);
    // Same FML tenant and the same Company id in two portals: FML files both under one case.
    expect(sb.cases).toHaveLength(1);
    const result = await handler.onFmlEvent(decision(sb.cases[0]!.caseId, 'approved'));
    expect(result.completed.sort()).toEqual([a.callbackId, b.callbackId].sort());
    expect(asked.sort()).toEqual(['111', '222']);
    expect(hubspot.completions.map((c) => c.portalId).sort()).toEqual(['111', '222']);
  });

  it('marks a callback HubSpot refuses for good as failed, without failing the event', async () => {
    const sb = await sandbox();
    const hubspot = await automation();
    const app = await listen(() => undefined);
    const reasons: string[] = [];
    const handler = createWorkflowActionHandler(baseOptions(sb, { publicUrl: app.url, hubspot: { baseUrl: hubspot.url, accessToken: hubspot.accessToken }, onError: (_e, c) => reasons.push(c.reason) }));
    app.server.on('request', (req, res) => void handler.node(req, res));
    const run = await hubspot.execute({ actionUrl: `${app.url}/act`, inputFields: goodInputs() });
    hubspot.expireBlocked(run.callbackId); // HubSpot gave up waiting (its clock, not ours)
    const result = await handler.onFmlEvent(decision(sb.cases[0]!.caseId, 'declined'));
    expect(result).toMatchObject({ completed: [], failed: [run.callbackId] });
    expect(reasons).toContain('completion_refused');
    expect(hubspot.completions).toHaveLength(0);
  });

  it('ignores events that do not decide the case, and unknown events', async () => {
    const sb = await sandbox();
    const handler = createWorkflowActionHandler(baseOptions(sb));
    const common = { eventId: 'e', eventVersion: 1, timestamp: new Date().toISOString(), orgId: 'o', caseId: 'CS-1' };
    const events = [
      { ...common, event: 'case.status.changed', status: 'pending_senior', previousStatus: 'in-progress' },
      { ...common, event: 'case.onboarding_progress.changed', stage: 'decision_made', stageLabel: 'Decision made', roster: [], summary: {} },
      { ...common, event: 'case.archived.v2' },
    ] as WebhookEvent[];
    for (const event of events) expect(await handler.onFmlEvent(event)).toEqual({ completed: [], expired: [], failed: [] });
    const refer = await handler.onFmlEvent({ ...common, event: 'case.decision.made', decision: 'refer' } as WebhookEvent);
    expect(refer.outcome).toEqual({ caseId: 'CS-1', status: '', decision: 'refer' });
  });

  it('refuses to start without what it needs, with a typed error', async () => {
    const sb = await sandbox();
    const ok = baseOptions(sb);
    const bad: Partial<WorkflowActionHandlerOptions>[] = [
      { appSecret: '' },
      { publicUrl: 'kyb.example.com' },
      { hubspot: {} },
      { hubspot: { getAccessToken: 'x' as never } },
      { expirationDuration: '1 week' },
      { signatureVersions: [] },
      { fml: {} as never },
      { store: {} as never },
      { fmlDeadlineMs: -1 },
    ];
    for (const over of bad) expect(() => createWorkflowActionHandler({ ...ok, ...over })).toThrow(FmlConfigError);
  });

  it('reads the body an Express raw parser already read (Node adapter)', async () => {
    const sb = await sandbox();
    const app = await listen(() => undefined);
    const handler = createWorkflowActionHandler(baseOptions(sb, { publicUrl: app.url }));
    app.server.on('request', (req: IncomingMessage & { body?: Buffer }, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        req.body = Buffer.concat(chunks); // what express.raw() leaves behind
        void handler.node(req, res);
      });
    });
    const body = JSON.stringify(execution());
    const res = await fetch(`${app.url}/hubspot/action`, {
      method: 'POST',
      body,
      headers: { 'X-HubSpot-Signature': createHash('sha256').update(`${APP_SECRET}POST${app.url}/hubspot/action${body}`).digest('hex'), 'X-HubSpot-Signature-Version': 'v2' },
    });
    expect(res.status).toBe(200);
  });
});

function decision(caseId: string, status: 'approved' | 'declined'): WebhookEvent {
  return { event: 'case.decision.made', eventId: `e-${caseId}`, eventVersion: 1, timestamp: new Date().toISOString(), orgId: 'org', caseId, status, decision: status === 'approved' ? 'approve' : 'decline' } as WebhookEvent;
}
