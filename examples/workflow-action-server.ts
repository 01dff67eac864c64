/**
 * A HubSpot app server for the "Start FML KYB case" workflow action, on plain `node:http`:
 *
 *   POST /hubspot/action   HubSpot's signed execution requests → create the case, answer or BLOCK
 *   POST /fml/webhooks     FML's signed webhooks → complete blocked executions when FML decides
 *   GET  /healthz          for the load balancer
 *
 * Configuration comes from the environment (see `configFromEnv`). Run it after `npm run build` with a
 * TypeScript runner, e.g. `npx tsx examples/workflow-action-server.ts`. Blocked executions are kept in
 * a JSON file, so a restart loses none; run one instance per file (a fleet needs a shared store).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import { FmlClient } from '../src/client';
import {
  createJsonFileCallbackStore,
  createWorkflowActionHandler,
  type CallbackStore,
  type WorkflowActionHandler,
  type WorkflowActionHandlerOptions,
} from '../src/hubspot/workflow-action/index';
import { createNodeWebhookHandler } from '../src/webhooks/index';

/** Everything the server needs. Secrets stay in this object only: nothing here is ever logged. */
export interface ActionServerConfig {
  /** The public base URL HubSpot and FML call, e.g. https://kyb.example.com (what the proxy serves). */
  publicUrl: string;
  /** The HubSpot app's client secret (it signs execution requests). */
  appSecret: string;
  /** How to get a portal's HubSpot token (for completing callbacks). */
  hubspot: WorkflowActionHandlerOptions['hubspot'];
  /** The FML webhook endpoint's signing secret. */
  fmlWebhookSecret: string;
  fml: FmlClient;
  store: CallbackStore;
  /** @default "/hubspot/action" */
  actionPath?: string;
  /** @default "/fml/webhooks" */
  webhookPath?: string;
  /** Passed through to the action handler (expiry, defaults, clock, …). */
  actionOptions?: Partial<WorkflowActionHandlerOptions>;
}

/**
 * Reads the configuration from the environment: PUBLIC_URL, HUBSPOT_APP_SECRET, HUBSPOT_ACCESS_TOKEN
 * (a private-app token; an OAuth app would look its per-portal token up instead), FML_WEBHOOK_SECRET,
 * FML_CLIENT_ID / FML_CLIENT_SECRET (read by FmlClient), STORE_PATH.
 */
export function configFromEnv(env: Record<string, string | undefined>): ActionServerConfig {
  const need = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) throw new Error(`Set ${name} in the environment.`);
    return value;
  };
  return {
    publicUrl: need('PUBLIC_URL'),
    appSecret: need('HUBSPOT_APP_SECRET'),
    hubspot: {
      accessToken: need('HUBSPOT_ACCESS_TOKEN'),
      ...(env.HUBSPOT_API_BASE_URL ? { baseUrl: env.HUBSPOT_API_BASE_URL } : {}),
    },
    fmlWebhookSecret: need('FML_WEBHOOK_SECRET'),
    fml: new FmlClient({ env }),
    store: createJsonFileCallbackStore(env.STORE_PATH ?? './workflow-action-store.json'),
  };
}

/** The request listener: routes to the action handler and the FML webhook receiver. */
export function createActionServerListener(config: ActionServerConfig): {
  listener: (req: IncomingMessage, res: ServerResponse) => void;
  action: WorkflowActionHandler;
} {
  const action = createWorkflowActionHandler({
    fml: config.fml,
    appSecret: config.appSecret,
    publicUrl: config.publicUrl,
    hubspot: config.hubspot,
    store: config.store,
    ...config.actionOptions,
  });
  // The action handler's onEvent completes HubSpot callbacks; if HubSpot is unreachable it throws, the
  // receiver answers 500 and FML redelivers the event later. Add your own handling next to it.
  const fmlWebhooks = createNodeWebhookHandler({ secret: config.fmlWebhookSecret, onEvent: action.onEvent });
  const actionPath = config.actionPath ?? '/hubspot/action';
  const webhookPath = config.webhookPath ?? '/fml/webhooks';

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    const done = (p: Promise<void>) =>
      p.catch(() => {
        // Both handlers answer every failure themselves; this only guards a broken socket.
        if (!res.headersSent) {
          res.statusCode = 500;
          res.end();
        }
      });
    if (path === actionPath) return void done(action.node(req, res));
    if (path === webhookPath) return void done(fmlWebhooks(req, res));
    res.statusCode = path === '/healthz' ? 200 : 404;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(path === '/healthz' ? { ok: true } : { error: 'not_found' }));
  };
  return { listener, action };
}

async function main(): Promise<void> {
  const config = configFromEnv(process.env);
  const { listener, action } = createActionServerListener(config);
  const server = createServer(listener);
  const port = Number(process.env.PORT ?? 3000);
  server.listen(port, () => console.log(`workflow action server on :${port} (public ${config.publicUrl})`));
  // Forget finished executions once an hour even when traffic is quiet.
  const pruning = setInterval(
    () => void action.prune().catch((e: unknown) => console.error('prune failed:', e)),
    3_600_000,
  );
  pruning.unref();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => server.close(() => process.exit(0)));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
