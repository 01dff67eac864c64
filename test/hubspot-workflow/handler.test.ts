import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FmlConfigError } from '../../src/errors';
import {
  createJsonFileCallbackStore,
  createMemoryCallbackStore,
  createWorkflowActionHandler,
  type CallbackStore,
  type WorkflowActionHandlerOptions,
} from '../../src/hubspot/workflow-action/index';
import type { WebhookEvent } from '../../src/webhooks/index';
import {
  automation,
  baseOptions,
  decision,
  execution,
  executionRequest,
  fakeFml,
  listen,
  onCleanup,
  runCleanups,
  sandbox,
  v2ExecutionRequest,
} from './fixtures';
import { slowSend } from '../helpers/slow-sender';
import { APP_SECRET, goodInputs, outputsOf } from './harness';

afterEach(runCleanups);

describe('createWorkflowActionHandler (Fetch API)', () => {
  it('checks the signature against the public URL, not the local one (behind a proxy)', async () => {
    const sb = await sandbox();
    const handler = createWorkflowActionHandler(baseOptions(sb));
    const body = execution();
    const viaProxy = await handler(
      executionRequest('http://10.0.0.5:3000/hubspot/action?v=1', 'https://kyb.example.com/hubspot/action?v=1', body),
    );
    expect(viaProxy.status).toBe(200);
    expect(outputsOf(await viaProxy.json()).hs_execution_state).toBe('SUCCESS');

    const signedForLocal = await handler(
      executionRequest('http://10.0.0.5:3000/hubspot/action', 'http://10.0.0.5:3000/hubspot/action', execution()),
    );
    expect(signedForLocal.status).toBe(401);
    expect(await signedForLocal.json()).toMatchObject({ reason: 'signature_mismatch' });

    const custom = createWorkflowActionHandler(
      baseOptions(sb, { publicUrl: (p) => `https://kyb.example.com/kyb${p}` }),
    );
    expect(
      (
        await custom(
          executionRequest('http://local/hubspot/action', 'https://kyb.example.com/kyb/hubspot/action', execution()),
        )
      ).status,
    ).toBe(200);
  });

  it('maps the execution onto the case: inputs first, then Company properties, key per portal and Company', async () => {
    const sb = await sandbox();
    const keys: string[] = [];
    const handler = createWorkflowActionHandler(
      baseOptions(sb, {
        idempotencyKey: (portal, company) => {
          keys.push(`${portal}/${company}`);
          return `hubspot-${portal}-${company}`;
        },
      }),
    );
    const res = await handler(
      executionRequest(
        'http://x/a',
        'https://kyb.example.com/a',
        execution({ inputFields: { contactEmail: '  ops@initech.example ', companyName: '', sendInvite: 'false' } }),
      ),
    );
    expect(res.status).toBe(200);
    expect(sb.cases[0]).toMatchObject({
      customerEmail: 'ops@initech.example',
      companyName: 'Initech',
      country: 'US',
      crmRecordId: '501',
      crmSource: 'hubspot',
      inviteSentAt: null,
    });
    expect(keys).toEqual(['111/501']);
    // The domain stands in for a Company without a name.
    await handler(
      executionRequest(
        'http://x/a',
        'https://kyb.example.com/a',
        execution({
          object: { objectType: 'COMPANY', objectId: 502, properties: { domain: 'hooli.example' } },
          inputFields: { contactEmail: 'a@hooli.example' },
        }),
      ),
    );
    expect(sb.cases[1]).toMatchObject({ companyName: 'hooli.example', crmRecordId: '502' });
  });

  it('accepts requestOrigin (the older name) as well as origin', async () => {
    const sb = await sandbox();
    const handler = createWorkflowActionHandler(baseOptions(sb));
    const { origin, ...rest } = execution();
    const res = await handler(
      executionRequest('http://x/a', 'https://kyb.example.com/a', { ...rest, requestOrigin: origin }),
    );
    expect(res.status).toBe(200);
  });

  it('answers FAIL_CONTINUE when FML itself rejects the fields (400 validation_error), naming the inputs', async () => {
    const fake = await listen((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/v1/oauth/token')
        return res.end(JSON.stringify({ access_token: 'fml-token', token_type: 'Bearer', expires_in: 3600 }));
      res.statusCode = 400;
      res.end(
        JSON.stringify({
          error: 'validation_error',
          message: 'Invalid fields',
          fields: [{ field: 'customerEmail', message: 'domain does not accept mail' }],
        }),
      );
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
    const contact = await handler(
      executionRequest(
        'http://x/a',
        'https://kyb.example.com/a',
        execution({ object: { objectType: 'CONTACT', objectId: 1 } }),
      ),
    );
    expect(outputsOf(await contact.json())).toMatchObject({
      hs_execution_state: 'FAIL_CONTINUE',
      errorCode: 'unsupported_object_type',
    });
    const badFlag = await handler(
      executionRequest(
        'http://x/a',
        'https://kyb.example.com/a',
        execution({ inputFields: goodInputs({ sendInvite: 'maybe' }) }),
      ),
    );
    const out = outputsOf(await badFlag.json());
    expect(out).toMatchObject({ hs_execution_state: 'FAIL_CONTINUE', errorCode: 'validation_error' });
    expect(out.errorMessage).toMatch(/sendInvite/);
    expect(sb.cases).toHaveLength(0);
  });

  it('answers 429 with Retry-After (HubSpot retries) when a hook throws, and reports it', async () => {
    const sb = await sandbox();
    const reasons: string[] = [];
    const handler = createWorkflowActionHandler(
      baseOptions(sb, {
        idempotencyKey: () => {
          throw new Error('key service down');
        },
        onError: (_e, c) => c.reason !== 'signature_version_seen' && reasons.push(c.reason),
      }),
    );
    const res = await handler(executionRequest('http://x/a', 'https://kyb.example.com/a', execution()));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('60');
    expect(await res.json()).toMatchObject({ error: 'internal_error' });
    expect(reasons).toEqual(['internal_error']);
    expect(sb.cases).toHaveLength(0);
  });

  it('answers 405 to other methods and 413 to oversized bodies', async () => {
    const sb = await sandbox();
    const handler = createWorkflowActionHandler(baseOptions(sb, { maxBodyBytes: 1024 }));
    expect((await handler(new Request('http://x/a', { method: 'GET' }))).status).toBe(405);
    const big = await handler(
      executionRequest('http://x/a', 'https://kyb.example.com/a', execution({ padding: 'x'.repeat(2000) })),
    );
    expect(big.status).toBe(413);
  });

  it('answers 429 (so HubSpot retries) when the store cannot remember a BLOCK', async () => {
    const sb = await sandbox();
    const memory = createMemoryCallbackStore();
    const failing: CallbackStore = { ...memory, set: async () => Promise.reject(new Error('disk full')) };
    const handler = createWorkflowActionHandler(baseOptions(sb, { store: failing }));
    const res = await handler(
      executionRequest('http://x/a', 'https://kyb.example.com/a', execution({ inputFields: goodInputs() })),
    );
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('60');
    expect(await res.json()).toMatchObject({ error: 'store_unavailable' });
  });

  it("answers 429 with Retry-After, not a stored FAIL_CONTINUE, when FML refuses the app's own credentials", async () => {
    const fml = await fakeFml();
    fml.token = { status: 401, error: 'invalid_client' };
    const reported: { reason: string; status?: number }[] = [];
    const handler = createWorkflowActionHandler(
      baseOptions(
        { clientId: 'pk', clientSecret: 'sk', url: fml.url },
        {
          onError: (_e, c) =>
            c.reason !== 'signature_version_seen' && reported.push({ reason: c.reason, status: c.status }),
        },
      ),
    );
    const body = execution();
    const refused = await handler(executionRequest('http://x/a', 'https://kyb.example.com/a', body));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('300');
    expect(await refused.json()).toMatchObject({ error: 'fml_credentials_rejected' });
    expect(reported).toEqual([{ reason: 'fml_credentials_rejected', status: 429 }]);

    // The operator fixes the secret; HubSpot's retry of the same execution now creates the case.
    fml.token = { status: 200 };
    const retried = await handler(executionRequest('http://x/a', 'https://kyb.example.com/a', body));
    expect(retried.status).toBe(200);
    expect(outputsOf(await retried.json())).toMatchObject({ hs_execution_state: 'SUCCESS', caseId: 'CS-2026-00042' });
  });

  it("answers 429 too when FML says the app's client lacks a scope (403 insufficient_scope)", async () => {
    const fml = await fakeFml();
    fml.token = { status: 403, error: 'insufficient_scope' };
    const handler = createWorkflowActionHandler(baseOptions({ clientId: 'pk', clientSecret: 'sk', url: fml.url }));
    const res = await handler(executionRequest('http://x/a', 'https://kyb.example.com/a', execution()));
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ error: 'fml_credentials_rejected' });
  });

  it('with requireV3, refuses a request signed v2 only (v3 headers stripped) and still accepts v3', async () => {
    const sb = await sandbox();
    const strict = createWorkflowActionHandler(baseOptions(sb, { requireV3: true }));
    const stripped = await strict(v2ExecutionRequest('http://x/a', 'https://kyb.example.com/a', execution()));
    expect(stripped.status).toBe(401);
    expect(await stripped.json()).toMatchObject({ reason: 'version_not_allowed' });
    expect((await strict(executionRequest('http://x/a', 'https://kyb.example.com/a', execution()))).status).toBe(200);
    // The default still takes v2, which HubSpot's older requests carry.
    const lenient = createWorkflowActionHandler(baseOptions(sb));
    expect((await lenient(v2ExecutionRequest('http://x/a', 'https://kyb.example.com/a', execution()))).status).toBe(
      200,
    );
    expect(() =>
      createWorkflowActionHandler(baseOptions(sb, { requireV3: true, signatureVersions: ['v3', 'v2'] })),
    ).toThrow(FmlConfigError);
  });

  it('answers a retry from the disk, not from a BLOCK record whose write failed', async () => {
    const sb = await sandbox();
    const dir = await mkdtemp(join(tmpdir(), 'fml-wfa-disk-'));
    onCleanup(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'callbacks.json');
    const store = createJsonFileCallbackStore(file);
    expect(await store.get('warm-up')).toBeUndefined(); // loaded: the file does not exist yet
    // A directory where the file goes: the rename onto it fails, as on a full or read-only disk.
    await mkdir(join(file, 'in-the-way'), { recursive: true });
    const handler = createWorkflowActionHandler(baseOptions(sb, { store }));
    const body = execution({ inputFields: goodInputs() });
    const failed = await handler(executionRequest('http://x/a', 'https://kyb.example.com/a', body));
    expect(failed.status).toBe(429);
    expect(await store.get(body.callbackId)).toBeUndefined();

    await rm(file, { recursive: true });
    const retried = await handler(executionRequest('http://x/a', 'https://kyb.example.com/a', body));
    expect(outputsOf(await retried.json()).hs_execution_state).toBe('BLOCK');
    // The BLOCK HubSpot was given is on disk: a restarted server can complete it.
    expect(await createJsonFileCallbackStore(file).get(body.callbackId)).toMatchObject({
      state: 'blocked',
      caseId: sb.cases[0]!.caseId,
    });
    expect(sb.cases).toHaveLength(1);
  });

  it("completes the callbacks of each portal with that portal's token", async () => {
    const sb = await sandbox();
    const hubspot = await automation({ accessToken: { '111': 'tok-portal-111', '222': 'tok-portal-222' } });
    const asked: string[] = [];
    const app = await listen(() => undefined);
    const handler = createWorkflowActionHandler(
      baseOptions(sb, {
        publicUrl: app.url,
        hubspot: {
          baseUrl: hubspot.url,
          getAccessToken: async (portal) => {
            asked.push(portal);
            return hubspot.accessTokenFor(portal);
          },
        },
      }),
    );
    app.server.on('request', (req, res) => void handler.node(req, res));
    const a = await hubspot.execute({
      actionUrl: `${app.url}/act`,
      portalId: 111,
      objectId: 8,
      inputFields: goodInputs(),
    });
    const b = await hubspot.execute({
      actionUrl: `${app.url}/act`,
      portalId: 222,
      objectId: 9,
      inputFields: goodInputs(),
    });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(sb.cases).toHaveLength(2);
    for (const kase of sb.cases) await handler.onFmlEvent(decision(kase.caseId, 'approved'));
    expect(asked.sort()).toEqual(['111', '222']);
    expect(hubspot.completions.map((c) => `${c.portalId}:${c.callbackId}`).sort()).toEqual(
      [`111:${a.callbackId}`, `222:${b.callbackId}`].sort(),
    );
  });

  it('never answers one portal with the case another portal made for the same Company id on a shared FML tenant', async () => {
    const sb = await sandbox();
    const hubspot = await automation({ accessToken: { '111': 'tok-portal-111', '222': 'tok-portal-222' } });
    const app = await listen(() => undefined);
    const reasons: string[] = [];
    const handler = createWorkflowActionHandler(
      baseOptions(sb, {
        publicUrl: app.url,
        hubspot: { baseUrl: hubspot.url, getAccessToken: (portal) => hubspot.accessTokenFor(portal) },
        onError: (_e, c) => c.reason !== 'signature_version_seen' && reasons.push(c.reason),
      }),
    );
    app.server.on('request', (req, res) => void handler.node(req, res));
    const a = await hubspot.execute({
      actionUrl: `${app.url}/act`,
      portalId: 111,
      objectId: 8,
      inputFields: goodInputs(),
    });
    const b = await hubspot.execute({
      actionUrl: `${app.url}/act`,
      portalId: 222,
      objectId: 8,
      inputFields: goodInputs(),
    });
    expect(outputsOf(a.body).hs_execution_state).toBe('BLOCK');
    // FML de-duplicates on (tenant, crmRecordId "8") and hands back portal 111's case: refused, not passed on.
    const refused = outputsOf(b.body);
    expect(refused).toMatchObject({ hs_execution_state: 'FAIL_CONTINUE', errorCode: 'cross_portal_conflict' });
    expect(refused.errorMessage).not.toContain('111');
    expect(refused.caseId).toBeUndefined();
    expect(sb.cases).toHaveLength(1);
    expect(reasons).toContain('cross_portal_conflict');

    const result = await handler.onFmlEvent(decision(sb.cases[0]!.caseId, 'approved'));
    expect(result.completed).toEqual([a.callbackId]);
    expect(hubspot.completions.map((c) => c.portalId)).toEqual(['111']);
    // The owning portal running again for its Company still gets its case.
    const again = await hubspot.execute({
      actionUrl: `${app.url}/act`,
      portalId: 111,
      objectId: 8,
      inputFields: goodInputs({ waitForDecision: 'false' }),
    });
    expect(outputsOf(again.body)).toMatchObject({ hs_execution_state: 'SUCCESS', caseId: sb.cases[0]!.caseId });
  });

  it('keeps portals apart on a shared FML tenant with a portal-qualified crmRecordId', async () => {
    const sb = await sandbox();
    const hubspot = await automation({ accessToken: { '111': 'tok-portal-111', '222': 'tok-portal-222' } });
    const app = await listen(() => undefined);
    const handler = createWorkflowActionHandler(
      baseOptions(sb, {
        publicUrl: app.url,
        crmRecordId: (portal, company) => `${portal}:${company}`,
        hubspot: { baseUrl: hubspot.url, getAccessToken: (portal) => hubspot.accessTokenFor(portal) },
      }),
    );
    app.server.on('request', (req, res) => void handler.node(req, res));
    const a = await hubspot.execute({
      actionUrl: `${app.url}/act`,
      portalId: 111,
      objectId: 8,
      inputFields: goodInputs(),
    });
    const b = await hubspot.execute({
      actionUrl: `${app.url}/act`,
      portalId: 222,
      objectId: 8,
      inputFields: goodInputs(),
    });
    expect([outputsOf(a.body).hs_execution_state, outputsOf(b.body).hs_execution_state]).toEqual(['BLOCK', 'BLOCK']);
    expect(sb.cases.map((c) => c.crmRecordId).sort()).toEqual(['111:8', '222:8']);
  });

  it('marks a callback HubSpot refuses for good as failed, without failing the event', async () => {
    const sb = await sandbox();
    const hubspot = await automation();
    const app = await listen(() => undefined);
    const reasons: string[] = [];
    const handler = createWorkflowActionHandler(
      baseOptions(sb, {
        publicUrl: app.url,
        hubspot: { baseUrl: hubspot.url, accessToken: hubspot.accessToken },
        onError: (_e, c) => c.reason !== 'signature_version_seen' && reasons.push(c.reason),
      }),
    );
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
      {
        ...common,
        event: 'case.onboarding_progress.changed',
        stage: 'decision_made',
        stageLabel: 'Decision made',
        roster: [],
        summary: {},
      },
      { ...common, event: 'case.archived.v2' },
    ] as WebhookEvent[];
    for (const event of events)
      expect(await handler.onFmlEvent(event)).toEqual({ completed: [], expired: [], failed: [] });
    const refer = await handler.onFmlEvent({
      ...common,
      event: 'case.decision.made',
      decision: 'refer',
    } as WebhookEvent);
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
      headers: {
        'X-HubSpot-Signature': createHash('sha256')
          .update(`${APP_SECRET}POST${app.url}/hubspot/action${body}`)
          .digest('hex'),
        'X-HubSpot-Signature-Version': 'v2',
      },
    });
    expect(res.status).toBe(200);
  });
});

describe('the Node adapter and a connection that goes away', () => {
  const noFml = { clientId: 'pk', clientSecret: 'sk', url: 'http://127.0.0.1:9' };
  const fakeReq = (over: Record<string, unknown> = {}) => ({
    method: 'GET',
    url: '/act',
    headers: {},
    on: () => undefined,
    removeListener: () => undefined,
    pause: () => undefined,
    ...over,
  });

  it("settles on the response's 'close' when end() never calls back (a socket already destroyed)", async () => {
    const handler = createWorkflowActionHandler(baseOptions(noFml));
    let onClose: (() => void) | undefined;
    let ended!: () => void;
    const endCalled = new Promise<void>((resolve) => (ended = resolve));
    const res = {
      statusCode: 0,
      setHeader: () => undefined,
      end: () => void ended(), // never calls its callback
      once: (_event: 'close', listener: () => void) => {
        onClose = listener;
      },
    };
    let settled = false;
    const done = handler.node(fakeReq(), res).then(() => (settled = true));
    await endCalled;
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    expect(res.statusCode).toBe(405);
    onClose!();
    await done;
    expect(settled).toBe(true);
  });

  it.each([
    ['trickles a byte every 20 ms', 20],
    ['sends the headers and then nothing', 0],
  ])('answers 408 body_timeout and frees the connection when the sender %s', async (_label, intervalMs) => {
    const handler = createWorkflowActionHandler(baseOptions(noFml, { bodyTimeoutMs: 300 }));
    const app = await listen((req, res) => void handler.node(req, res));
    // It never finishes its body: a 408 is the only way out, whatever the machine's load.
    const result = await slowSend(`${app.url}/hubspot/action`, { intervalMs });
    expect(result.status).toBe(408);
    expect(JSON.parse(result.body)).toMatchObject({ error: 'body_timeout' });
  });

  it('refuses a bodyTimeoutMs out of range', () => {
    for (const bad of [0, -5, Number.NaN, 2 ** 31])
      expect(() => createWorkflowActionHandler(baseOptions(noFml, { bodyTimeoutMs: bad }))).toThrow(/bodyTimeoutMs/);
  });

  it('drops the connection after a 413, rather than reading the rest of the upload', async () => {
    const handler = createWorkflowActionHandler(baseOptions(noFml, { maxBodyBytes: 16 }));
    let destroyed = 0;
    const req = fakeReq({
      method: 'POST',
      body: Buffer.alloc(64),
      readableEnded: false,
      socket: { destroy: () => void destroyed++ },
    });
    const res = {
      statusCode: 0,
      setHeader: () => undefined,
      end: (_chunk: string, callback?: () => void) => void callback?.(),
    };
    await handler.node(req, res);
    expect(res.statusCode).toBe(413);
    expect(destroyed).toBe(1);
  });
});
