import { createServer, type Server } from 'node:http';
import { createActionServerListener, type ActionServerConfig } from '../../examples/workflow-action-server';
import { FmlClient, type FmlClientOptions } from '../../src/client';
import type {
  CallbackStore,
  WorkflowActionHandler,
  WorkflowActionHandlerOptions,
} from '../../src/hubspot/workflow-action/index';
import { createMemoryCallbackStore } from '../../src/hubspot/workflow-action/index';
import { startFakeHubSpotAutomation, type FakeHubSpotAutomation } from '../../src/sandbox/fake-hubspot-automation';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import type { RequestLogEntry, SandboxOptions } from '../../src/sandbox/index';

export const APP_SECRET = 'app-secret-7f3c9a1e-5b2d-4e8f-a6c1-0d9e8b7a6f5c';

/** A controllable clock shared by the handler and the automation stand-in. */
export interface Clock {
  now: () => number;
  advance(ms: number): void;
}

export function makeClock(start = Date.now()): Clock {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

/** Everything an end-to-end test runs against: FML sandbox, HubSpot stand-in, and the example app server. */
export interface Harness {
  sb: Sandbox;
  hubspot: FakeHubSpotAutomation;
  /** The app server's base URL. */
  appUrl: string;
  actionUrl: string;
  action: WorkflowActionHandler;
  store: CallbackStore;
  /** Every request the sandbox answered. */
  fmlRequests: RequestLogEntry[];
  /** Count of `POST /v1/cases` the sandbox answered with a 2xx. */
  casesCreatedViaApi(): number;
  /** Errors reported to the handler's onError. */
  reported: { error: unknown; reason: string }[];
  /** Starts the app server again on the same port with a new store (a restart). */
  restart(store: CallbackStore): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  clock?: Clock;
  store?: CallbackStore;
  /** Extra FmlClient options, or a function of the sandbox (e.g. another client's credentials). */
  fmlClient?: FmlClientOptions | ((sb: Sandbox) => FmlClientOptions);
  sandbox?: SandboxOptions;
  actionOptions?: Partial<WorkflowActionHandlerOptions>;
  /** Merged over the handler's HubSpot settings (e.g. `{ apiVersion: 'v4' }`). */
  hubspotOptions?: Partial<WorkflowActionHandlerOptions['hubspot']>;
  /** Options of the HubSpot stand-in (e.g. `crm`). */
  automationOptions?: Partial<Parameters<typeof startFakeHubSpotAutomation>[0]>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const fmlRequests: RequestLogEntry[] = [];
  const sb = await startSandbox({
    webhookRetryDelaysMs: [20, 40, 80, 160, 320, 640],
    ...options.sandbox,
    onRequest: (e) => fmlRequests.push(e),
  });
  const hubspot = await startFakeHubSpotAutomation({
    appSecret: APP_SECRET,
    ...(options.clock ? { now: options.clock.now } : {}),
    ...options.automationOptions,
  });
  const reported: { error: unknown; reason: string }[] = [];
  const fml = new FmlClient({
    clientId: sb.clientId,
    clientSecret: sb.clientSecret,
    baseUrl: sb.url,
    maxRetries: 0,
    ...(typeof options.fmlClient === 'function' ? options.fmlClient(sb) : options.fmlClient),
  });

  let server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const appUrl = `http://127.0.0.1:${port}`;
  const config = (store: CallbackStore): ActionServerConfig => ({
    publicUrl: appUrl,
    appSecret: APP_SECRET,
    hubspot: {
      accessToken: hubspot.accessToken,
      baseUrl: hubspot.url,
      retryBaseDelayMs: 20,
      ...options.hubspotOptions,
    } as WorkflowActionHandlerOptions['hubspot'],
    fmlWebhookSecret: sb.webhookSecret,
    fml,
    store,
    actionOptions: {
      onError: (error, context) => reported.push({ error, reason: context.reason }),
      ...(options.clock ? { now: options.clock.now } : {}),
      ...options.actionOptions,
    },
  });
  let store = options.store ?? createMemoryCallbackStore();
  let built = createActionServerListener(config(store));
  server.on('request', built.listener);
  sb.addWebhookEndpoint(`${appUrl}/fml/webhooks`);

  const harness: Harness = {
    sb,
    hubspot,
    appUrl,
    actionUrl: `${appUrl}/hubspot/action`,
    action: built.action,
    store,
    fmlRequests,
    casesCreatedViaApi: () =>
      fmlRequests.filter((r) => r.method === 'POST' && r.path === '/v1/cases' && r.status < 300).length,
    reported,
    async restart(next) {
      await closeServer(server);
      server = createServer();
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      store = next;
      built = createActionServerListener(config(store));
      server.on('request', built.listener);
      harness.action = built.action;
      harness.store = store;
    },
    async close() {
      await Promise.all([closeServer(server), hubspot.close(), sb.close()]);
    },
  };
  return harness;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Inputs a well-filled Company resolves to. */
export const goodInputs = (over: Record<string, unknown> = {}) => ({
  contactEmail: 'jane.doe@acme.example',
  contactName: 'Jane Doe',
  companyName: 'Acme Trading Ltd',
  country: 'United Kingdom',
  sendInvite: 'true',
  waitForDecision: 'true',
  ...over,
});

/** The outputFields of an execution answer. */
export function outputsOf(body: unknown): Record<string, string> {
  const fields = (body as { outputFields?: Record<string, string> } | undefined)?.outputFields;
  if (!fields) throw new Error(`No outputFields in ${JSON.stringify(body)}`);
  return fields;
}
