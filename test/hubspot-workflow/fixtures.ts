import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { FmlClient } from '../../src/client';
import type { WorkflowActionHandlerOptions } from '../../src/hubspot/workflow-action/index';
import { startFakeHubSpotAutomation, type FakeHubSpotAutomation } from '../../src/sandbox/fake-hubspot-automation';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import type { WebhookEvent } from '../../src/webhooks/index';
import { APP_SECRET, goodInputs } from './harness';

// Building blocks for the handler tests: loopback servers, the sandbox and the HubSpot stand-in, all
// closed by `runCleanups` (register it with `afterEach(runCleanups)`).

const cleanups: (() => Promise<void>)[] = [];

export async function runCleanups(): Promise<void> {
  while (cleanups.length) await cleanups.pop()!();
}

export function onCleanup(fn: () => Promise<void>): void {
  cleanups.push(fn);
}

/** A loopback HTTP server on 127.0.0.1 (ephemeral port), closed after the test. */
export async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  cleanups.push(
    () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { url, server };
}

export async function sandbox(): Promise<Sandbox> {
  const sb = await startSandbox();
  cleanups.push(() => sb.close());
  return sb;
}

export async function automation(
  options: Partial<Parameters<typeof startFakeHubSpotAutomation>[0]> = {},
): Promise<FakeHubSpotAutomation> {
  const hubspot = await startFakeHubSpotAutomation({ appSecret: APP_SECRET, ...options });
  cleanups.push(() => hubspot.close());
  return hubspot;
}

/** An execution request signed v3 for `signedUrl`, sent to the handler as a Fetch Request for `localUrl`. */
export function executionRequest(
  localUrl: string,
  signedUrl: string,
  body: Record<string, unknown>,
  timestamp = Date.now(),
): Request {
  const text = JSON.stringify(body);
  return new Request(localUrl, {
    method: 'POST',
    body: text,
    headers: {
      'content-type': 'application/json',
      'X-HubSpot-Signature-v3': createHmac('sha256', APP_SECRET)
        .update(`POST${signedUrl}${text}${timestamp}`)
        .digest('base64'),
      'X-HubSpot-Request-Timestamp': String(timestamp),
    },
  });
}

/** The same, signed v2 only (no timestamp) — what a request with its v3 headers stripped looks like. */
export function v2ExecutionRequest(localUrl: string, signedUrl: string, body: Record<string, unknown>): Request {
  const text = JSON.stringify(body);
  return new Request(localUrl, {
    method: 'POST',
    body: text,
    headers: {
      'content-type': 'application/json',
      'X-HubSpot-Signature': createHash('sha256').update(`${APP_SECRET}POST${signedUrl}${text}`).digest('hex'),
      'X-HubSpot-Signature-Version': 'v2',
    },
  });
}

export const execution = (over: Record<string, unknown> = {}) => ({
  callbackId: `ap-${Math.random().toString(36).slice(2)}`,
  origin: { portalId: 111, actionDefinitionId: 9, actionDefinitionVersion: 1 },
  object: {
    objectType: 'COMPANY',
    objectId: 501,
    properties: { name: 'Initech', country: 'US', domain: 'initech.example' },
  },
  inputFields: goodInputs({ waitForDecision: 'false' }),
  ...over,
});

export const baseOptions = (
  sb: Pick<Sandbox, 'clientId' | 'clientSecret' | 'url'>,
  over: Partial<WorkflowActionHandlerOptions> = {},
): WorkflowActionHandlerOptions => ({
  fml: new FmlClient({ clientId: sb.clientId, clientSecret: sb.clientSecret, baseUrl: sb.url, maxRetries: 0 }),
  appSecret: APP_SECRET,
  publicUrl: 'https://kyb.example.com',
  hubspot: { accessToken: 'pat-test-token' },
  onError: () => undefined,
  ...over,
});

export function decision(caseId: string, status: 'approved' | 'declined'): WebhookEvent {
  return {
    event: 'case.decision.made',
    eventId: `e-${caseId}`,
    eventVersion: 1,
    timestamp: new Date().toISOString(),
    orgId: 'org',
    caseId,
    status,
    decision: status === 'approved' ? 'approve' : 'decline',
  } as WebhookEvent;
}

/** A minimal FML API on a loopback server whose answers a test controls, for states the sandbox cannot reach. */
export interface FakeFml {
  url: string;
  /** Requests seen, as `METHOD path`. */
  seen: string[];
  /** How the token endpoint answers: a token, or an error status with FML's error code. */
  token: { status: 200 } | { status: 401 | 403; error: string };
  /** The status every created case reports. */
  caseStatus: string;
  /** Status for `GET /v1/cases/{id}` (200 answers the case). */
  getStatus: number;
}

export async function fakeFml(): Promise<FakeFml> {
  const state: Omit<FakeFml, 'url'> = { seen: [], token: { status: 200 }, caseStatus: 'in-progress', getStatus: 200 };
  const kase = () => ({
    caseId: 'CS-2026-00042',
    customerEmail: 'jane.doe@acme.example',
    status: state.caseStatus,
    customerPortalUrl: 'https://portal.example/c/42',
    crmRecordId: '501',
    crmSource: 'hubspot',
    source: 'api',
    entityType: null,
    inviteSentAt: null,
    analystUrl: 'https://fml.example/a/42',
  });
  const { url } = await listen((req, res) => {
    state.seen.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/v1/oauth/token') {
        const t = state.token;
        res.statusCode = t.status;
        return res.end(
          JSON.stringify(
            t.status === 200
              ? { access_token: 'fml-token', token_type: 'Bearer', expires_in: 3600 }
              : { error: t.error, error_description: 'refused' },
          ),
        );
      }
      if (req.method === 'POST' && req.url === '/v1/cases') {
        res.statusCode = 201;
        return res.end(JSON.stringify(kase()));
      }
      if (req.method === 'GET' && req.url?.startsWith('/v1/cases/')) {
        res.statusCode = state.getStatus;
        return res.end(
          JSON.stringify(state.getStatus === 200 ? kase() : { error: 'server_error', message: 'Injected failure.' }),
        );
      }
      res.statusCode = 404;
      res.end(JSON.stringify({ error: 'not_found', message: 'No such route.' }));
    });
  });
  return Object.assign(state, { url });
}
