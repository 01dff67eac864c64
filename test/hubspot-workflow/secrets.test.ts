import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FmlClient } from '../../src/client';
import { createJsonFileCallbackStore, createWorkflowActionHandler } from '../../src/hubspot/workflow-action/index';
import { startFakeHubSpotAutomation } from '../../src/sandbox/fake-hubspot-automation';
import { startSandbox } from '../../src/sandbox/index';
import { createNodeWebhookHandler } from '../../src/webhooks/index';
import { createServer } from 'node:http';
import { APP_SECRET, goodInputs } from './harness';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  while (cleanups.length) await cleanups.pop()!();
});

/** Every way an object can end up in a log. */
const renderings = (value: unknown): string[] => [
  String(value),
  JSON.stringify(value) ?? '',
  inspect(value, { depth: 8, showHidden: true }),
  value instanceof Error ? (value.stack ?? '') : '',
];

describe('secrets stay out of errors, logs, inspect and JSON', () => {
  it('across a whole run with failures on every side', async () => {
    const WRONG_TOKEN = 'pat-na1-wrong-0f9e8d7c6b5a';
    const FML_SECRET = 'sk_test_not_the_real_one_4c3b2a1';
    const sb = await startSandbox({ webhookRetryDelaysMs: [10] });
    cleanups.push(() => sb.close());
    const hubspot = await startFakeHubSpotAutomation({ appSecret: APP_SECRET });
    cleanups.push(() => hubspot.close());
    const dir = await mkdtemp(join(tmpdir(), 'fml-secrets-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const storePath = join(dir, 'store.json');
    const secrets = [
      APP_SECRET,
      WRONG_TOKEN,
      FML_SECRET,
      sb.clientSecret,
      sb.webhookSecret,
      hubspot.accessToken,
      hubspot.developerApiKey,
    ];

    const logged: string[] = [];
    vi.spyOn(console, 'error').mockImplementation(
      (...args: unknown[]) =>
        void logged.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 8 }))).join(' ')),
    );
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
    const reported: unknown[] = [];

    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const address = server.address();
    const appUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    // HubSpot token wrong (completions get 401), default console logging on.
    const store = createJsonFileCallbackStore(storePath);
    const action = createWorkflowActionHandler({
      fml: new FmlClient({ clientId: sb.clientId, clientSecret: sb.clientSecret, baseUrl: sb.url, maxRetries: 0 }),
      appSecret: APP_SECRET,
      publicUrl: appUrl,
      store,
      hubspot: { accessToken: WRONG_TOKEN, baseUrl: hubspot.url, maxRetries: 0 },
    });
    // FML credentials wrong: the case cannot be created (invalid_client).
    const badFml = createWorkflowActionHandler({
      fml: new FmlClient({ clientId: sb.clientId, clientSecret: FML_SECRET, baseUrl: sb.url, maxRetries: 0 }),
      appSecret: APP_SECRET,
      publicUrl: appUrl,
      hubspot: { accessToken: WRONG_TOKEN },
      onError: (error) => reported.push(error),
    });
    const webhooks = createNodeWebhookHandler({
      secret: sb.webhookSecret,
      onEvent: action.onEvent,
      onError: (error) => reported.push(error),
    });
    server.on('request', (req, res) => {
      if (req.url === '/bad') return void badFml.node(req, res);
      if (req.url === '/fml') return void webhooks(req, res);
      return void action.node(req, res);
    });
    sb.addWebhookEndpoint(`${appUrl}/fml`);

    const answers = [
      await hubspot.execute({ actionUrl: `${appUrl}/act`, inputFields: goodInputs() }),
      await hubspot.execute({ actionUrl: `${appUrl}/act`, inputFields: goodInputs(), signWith: 'forged' }),
      await hubspot.execute({ actionUrl: `${appUrl}/bad`, inputFields: goodInputs() }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 401, 429]);
    expect(answers[2]!.body).toMatchObject({ error: 'fml_credentials_rejected' });
    expect(JSON.stringify(answers[2]!.body)).toContain('invalid_client');

    sb.advanceCase(sb.cases[0]!.caseId, 'approved');
    await sb.waitForDeliveries();
    const thrown = await action
      .onFmlEvent({
        event: 'case.decision.made',
        eventId: 'e1',
        eventVersion: 1,
        timestamp: new Date().toISOString(),
        orgId: 'o',
        caseId: sb.cases[0]!.caseId,
        decision: 'approve',
      })
      .catch((e: unknown) => e);
    expect(thrown).toMatchObject({ code: 'callback_completion_failed' });
    expect(reported.length).toBeGreaterThan(1);
    expect(logged.join('\n')).toMatch(/hubspot_unauthorized|401/);

    const everything = [
      ...answers.map((a) => JSON.stringify(a.body)),
      ...logged,
      ...reported.flatMap(renderings),
      ...renderings(thrown),
      ...renderings(action),
      ...renderings(badFml),
      ...renderings(store),
      ...renderings(hubspot),
      await readFile(storePath, 'utf8'),
    ].join('\n');
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
});
