// Secrets audit: drive every error path — token, API, network, webhook, HubSpot, Redis — with
// recognisable secrets, and check that none of them (nor any access token the sandbox minted) appears
// in any message, stack, debug log line, util.inspect or JSON of anything the SDK made or threw.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FmlClient, type FmlClientOptions } from '../../src/client';
import { FmlApiError, FmlError } from '../../src/errors';
import { companyToCreateCase } from '../../src/hubspot/company/company-to-case';
import { hubspotCustomCodeAction } from '../../src/hubspot/custom-code/action';
import { updateCompanyFromEvent } from '../../src/hubspot/crm/update-company';
import { verifyHubSpotSignature } from '../../src/hubspot/workflow-action/signature';
import {
  RedisDedupeStore,
  RedisTokenStore,
  createRedisEventDeduper,
  redisTokenStoreFromUrl,
} from '../../src/redis/index';
import { type Sandbox, startSandbox } from '../../src/sandbox/index';
import { constructEvent, createWebhookHandler } from '../../src/webhooks/index';
import { signWebhookBody } from '../../src/webhooks/sign';
import { type RedisServer, startRedisServer } from '../helpers/redis-server';
import { nodeRedis } from './redis-clients';

const SECRETS = {
  clientSecret: 'sk_live_AUDIT0CLIENT0SECRET0a1b2c',
  wrongClientSecret: 'sk_live_AUDIT0WRONG0SECRET0d4e5f',
  webhookSecret: 'whsec_AUDIT0WEBHOOK0SECRET0789ab',
  hubspotAppSecret: 'hsapp-AUDIT0APP0SECRET0cdef01',
  hubspotToken: 'pat-na1-AUDIT0HUBSPOT0TOKEN-2345',
  redisPassword: 'AUDIT0REDIS0PASSWORD0678',
} as const;

/** Every access token the sandbox handed out, seen on the wire by a recording fetch. */
const mintedTokens = new Set<string>();
const recordingFetch: typeof fetch = async (input, init) => {
  const res = await fetch(input, init);
  if (String(input).endsWith('/v1/oauth/token') && res.ok) {
    const body = (await res
      .clone()
      .json()
      .catch(() => ({}))) as { access_token?: unknown };
    if (typeof body.access_token === 'string') mintedTokens.add(body.access_token);
  }
  return res;
};

/** Everything an operator could ever see: messages, stacks, inspections, JSON, log lines, answers. */
const surfaces: string[] = [];
const errorsSeen: unknown[] = [];

function expose(label: string, value: unknown): void {
  surfaces.push(`${label}: ${inspect(value, { depth: 12, showHidden: true, getters: true })}`);
  try {
    surfaces.push(`${label} JSON: ${JSON.stringify(value)}`);
  } catch {
    // Not serialisable (a function, a cycle): inspect above covers it.
  }
  for (let e = value, depth = 0; e instanceof Error && depth < 5; e = (e as { cause?: unknown }).cause, depth++)
    surfaces.push(`${label} message: ${e.message}`, `${label} stack: ${String(e.stack)}`);
}
async function failure(label: string, run: () => Promise<unknown>): Promise<unknown> {
  const error = await run().then(
    () => new Error(`${label}: expected a failure`),
    (e: unknown) => e,
  );
  errorsSeen.push(error);
  expose(label, error);
  return error;
}

const logLines: string[] = [];
const debugLogger = {
  debug: (m: string, d?: unknown) => logLines.push(`debug ${m} ${inspect(d, { depth: 10 })}`),
  info: (m: string, d?: unknown) => logLines.push(`info ${m} ${inspect(d, { depth: 10 })}`),
  warn: (m: string, d?: unknown) => logLines.push(`warn ${m} ${inspect(d, { depth: 10 })}`),
  error: (m: string, d?: unknown) => logLines.push(`error ${m} ${inspect(d, { depth: 10 })}`),
};

let sb: Sandbox;
let redis: RedisServer;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  [sb, redis] = await Promise.all([
    startSandbox({
      clientSecret: SECRETS.clientSecret,
      webhookSecret: SECRETS.webhookSecret,
      rateLimit: false,
      webhookRetryDelaysMs: [10, 20],
    }),
    startRedisServer(),
  ]);
});
afterAll(async () => {
  for (const c of cleanups) await c().catch(() => undefined);
  await sb?.close();
  await redis?.stop();
});

function client(options: Partial<FmlClientOptions> = {}): FmlClient {
  const fml = new FmlClient({
    clientId: sb.clientId,
    clientSecret: SECRETS.clientSecret,
    baseUrl: sb.url,
    fetch: recordingFetch,
    logger: debugLogger,
    logLevel: 'debug',
    retryBaseDelayMs: 1,
    maxRetryAfterMs: 5,
    ...options,
  });
  expose('client', fml);
  return fml;
}
const body = (i: number) => ({
  customerEmail: `audit${i}@example.com`,
  companyName: `Audit ${i}`,
  crmRecordId: `audit-${i}`,
  crmSource: 'hubspot',
  sendInvite: true,
});

describe('secrets audit', () => {
  it('token paths: wrong secret, revoked client, token endpoint 5xx and resets', async () => {
    await failure('wrong secret', () => client({ clientSecret: SECRETS.wrongClientSecret }).cases.get('CS-1'));
    const doomed = sb.createClient();
    expose('sandbox credentials', doomed);
    const revokedClient = client({ clientId: doomed.clientId, clientSecret: doomed.clientSecret });
    await revokedClient.cases.create(body(1)); // a token is cached...
    sb.revokeClient(doomed.clientId); // ...then refused, and the re-mint is refused too
    await failure('revoked', () => revokedClient.cases.create(body(2)));
    sb.faults.add({ kind: 'status', status: 503, path: '/v1/oauth/token', times: 3 });
    await failure('token 503', () => client({ maxRetries: 2 }).cases.get('CS-1'));
    sb.faults.add({ kind: 'reset', path: '/v1/oauth/token', times: 1 });
    await failure('token reset', () => client({ maxRetries: 0 }).cases.get('CS-1'));
  });

  it('API paths: 400, 403, 404, 409, 429, 5xx, cut bodies, lost answers, timeouts, deadlines, aborts, local validation', async () => {
    const fml = client({ maxRetries: 0 });
    await fml.cases.create(body(10)); // mint once: the token is then in the client's cache
    const narrow = sb.createClient({ scopes: ['read:cases'] });
    await failure('403', () =>
      client({ clientId: narrow.clientId, clientSecret: narrow.clientSecret }).cases.create(body(11)),
    );
    await failure('404', () => fml.cases.get('CS-NOPE'));
    await fml.api.GET('/v1/cases', { headers: { 'Idempotency-Key': 'audit-key-1' } });
    await failure('409', () => fml.cases.create(body(12), { idempotencyKey: 'audit-key-1' }));
    await failure('400 server', async () => {
      const { response, error } = await fml.api.POST('/v1/cases', {
        body: { customerEmail: 'not an email' },
        params: { header: { 'Idempotency-Key': 'audit-key-2' } },
      });
      throw FmlApiError.from({ status: response.status, body: error, headers: response.headers });
    });
    await failure('400 local', () => fml.cases.create({ customerEmail: '' }));
    for (const [kind, extra] of [
      ['rate-limit', { retryAfterSeconds: 1 }],
      ['status', { status: 502 }],
      ['truncate', {}],
      ['lose-response', {}],
      ['reset', {}],
    ] as const) {
      sb.faults.add({ kind, path: '/v1/cases', method: 'POST', ...extra });
      await failure(kind, () => fml.cases.create(body(20 + kind.length)));
    }
    sb.faults.add({ kind: 'delay', delayMs: 300, path: '/v1/cases/*', times: 2 });
    await failure('timeout', () => fml.cases.get('CS-1', { timeoutMs: 50 }));
    await failure('deadline', () => client({ deadlineMs: 40, maxRetries: 3 }).cases.get('CS-2'));
    const abort = new AbortController();
    sb.faults.add({ kind: 'delay', delayMs: 300, path: '/v1/cases/*' });
    const pending = failure('abort', () => fml.cases.get('CS-3', { signal: abort.signal }));
    setTimeout(() => abort.abort(), 20);
    await pending;
  });

  it('network: nothing listening', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await failure('refused', () => client({ baseUrl: `http://127.0.0.1:${port}`, maxRetries: 1 }).cases.get('CS-1'));
  });

  it('webhooks: bad and wrong signatures, bad bodies, a failing handler, a failing store, real deliveries', async () => {
    const consoleError = vi
      .spyOn(console, 'error')
      .mockImplementation(
        (...args: unknown[]) =>
          void surfaces.push(`console.error: ${args.map((a) => inspect(a, { depth: 10 })).join(' ')}`),
      );
    try {
      const reported: unknown[] = [];
      const handler = createWebhookHandler({
        secret: SECRETS.webhookSecret,
        onEvent: () => undefined,
        onError: (error, context) => reported.push(error, context),
      });
      const throwing = createWebhookHandler({
        secret: SECRETS.webhookSecret,
        onEvent: () => Promise.reject(new Error('downstream failed')),
      }); // default onError: console.error
      expose('handler', handler);
      const event = JSON.stringify({
        event: 'case.submitted',
        eventId: 'e-audit-1',
        eventVersion: 1,
        timestamp: new Date().toISOString(),
        orgId: 'org',
        caseId: 'CS-1',
      });
      const deliveries: Array<[string, string, Record<string, string>, typeof handler]> = [
        ['no signature', event, {}, handler],
        ['malformed signature', event, { 'x-fml-signature': 'sha256=xyz' }, handler],
        ['wrong secret', event, { 'x-fml-signature': signWebhookBody(event, SECRETS.wrongClientSecret) }, handler],
        ['not json', 'nope', { 'x-fml-signature': signWebhookBody('nope', SECRETS.webhookSecret) }, handler],
        ['handler throws', event, { 'x-fml-signature': signWebhookBody(event, SECRETS.webhookSecret) }, throwing],
      ];
      for (const [label, raw, headers, h] of deliveries) {
        const res = await h(new Request('http://receiver/hook', { method: 'POST', body: raw, headers }));
        surfaces.push(`${label} answer: ${res.status} ${await res.text()}`);
      }
      expect(consoleError).toHaveBeenCalled();
      expose('onError reports', reported);
      await failure('constructEvent', () =>
        constructEvent(event, { 'x-fml-signature': signWebhookBody(event, 'not-the-secret') }, SECRETS.webhookSecret),
      );
      await failure('no secret', async () => createWebhookHandler({ secret: '', onEvent: () => undefined }));

      // A Redis de-duplication store whose Redis is gone (ioredis puts command arguments on its errors).
      const gone = new Redis(`redis://:${SECRETS.redisPassword}@127.0.0.1:${redis.port + 1}`, {
        lazyConnect: true,
        enableOfflineQueue: false,
        retryStrategy: () => null,
        maxRetriesPerRequest: 0,
      });
      gone.on('error', () => undefined);
      const deadStore = new RedisDedupeStore(gone);
      const withDeadStore = createWebhookHandler({
        secret: SECRETS.webhookSecret,
        onEvent: () => undefined,
        dedupe: createRedisEventDeduper(gone),
        onError: (error, context) => reported.push(error, context),
      });
      const res = await withDeadStore(
        new Request('http://receiver/hook', {
          method: 'POST',
          body: event,
          headers: { 'x-fml-signature': signWebhookBody(event, SECRETS.webhookSecret) },
        }),
      );
      expect(res.status).toBe(503);
      expose('dead dedupe store', deadStore);
      expose('dead-store reports', reported);
      await failure('dead store claim', () => deadStore.claim('e-1', 1000));
      gone.disconnect();

      // Real deliveries from the sandbox, signed with the webhook secret.
      const received: string[] = [];
      const server = createServer((req, resp) => {
        req.on('data', (c: Buffer) => received.push(c.toString()));
        req.on('end', () => resp.end('ok'));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      cleanups.push(() => new Promise((r) => server.close(r)));
      expose('endpoint', sb.addWebhookEndpoint(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`));
      await client().cases.create(body(40));
      await sb.waitForDeliveries();
      expect(received.length).toBeGreaterThan(0);
      expose('deliveries', sb.deliveries);
      expose('endpoints', sb.webhookEndpoints);
    } finally {
      consoleError.mockRestore();
    }
  });

  it('HubSpot: mapping errors, the Custom Code action failing, signature failures, CRM write-back failures', async () => {
    await failure('company mapping', async () => companyToCreateCase({ companyId: '', email: 'nope' }));
    const actionLog: string[] = [];
    const action = hubspotCustomCodeAction({
      env: { FML_CLIENT_ID: sb.clientId, FML_CLIENT_SECRET: SECRETS.wrongClientSecret, FML_BASE_URL: sb.url },
      fetch: recordingFetch,
      log: (l) => actionLog.push(l),
    });
    const event = {
      object: { objectType: 'COMPANY', objectId: 77 },
      inputFields: { companyId: '77', email: 'ops@acme.example', name: 'Acme' },
    };
    expose('action result (wrong secret)', await action(event));
    sb.faults.add({ kind: 'status', status: 503, path: '/v1/cases', times: 'always' });
    const transient = hubspotCustomCodeAction({
      env: { FML_CLIENT_ID: sb.clientId, FML_CLIENT_SECRET: SECRETS.clientSecret, FML_BASE_URL: sb.url },
      fetch: recordingFetch,
      log: (l) => actionLog.push(l),
      budgetMs: 2000,
      maxRetries: 1,
    });
    await failure('action transient', () => transient(event));
    sb.faults.clear();
    surfaces.push(...actionLog.map((l) => `action log: ${l}`));

    for (const headers of [
      {},
      { 'x-hubspot-signature-v3': 'AAAA', 'x-hubspot-request-timestamp': String(Date.now()) },
      { 'x-hubspot-signature': 'ff', 'x-hubspot-signature-version': 'v2' },
    ]) {
      expose(
        'hubspot signature',
        await verifyHubSpotSignature({
          method: 'POST',
          url: 'https://app.example/hook',
          body: '{}',
          headers,
          secret: SECRETS.hubspotAppSecret,
        }),
      );
    }

    // A hostile fake HubSpot that even echoes the bearer token back in its error message.
    const hubspot = createServer((req, resp) => {
      resp.statusCode = req.url?.includes('/search') ? 500 : 401;
      resp.setHeader('content-type', 'application/json');
      resp.end(
        JSON.stringify({
          status: 'error',
          category: 'INVALID_AUTHENTICATION',
          message: `Bad token ${req.headers.authorization}`,
          correlationId: 'c-1',
        }),
      );
    });
    await new Promise<void>((r) => hubspot.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => hubspot.close(r)));
    const fmlEvent = {
      event: 'case.status.changed',
      eventId: 'e-2',
      eventVersion: 1,
      timestamp: new Date().toISOString(),
      orgId: 'org',
      caseId: 'CS-9',
      crmRecordId: '77',
      crmSource: 'hubspot',
      status: 'approved',
      previousStatus: null,
    };
    await failure('hubspot 401', () =>
      updateCompanyFromEvent(fmlEvent, {
        accessToken: SECRETS.hubspotToken,
        baseUrl: `http://127.0.0.1:${(hubspot.address() as AddressInfo).port}`,
        maxRetries: 0,
      }),
    );
  });

  it('Redis: token stores on a live Redis, on a dead one, and from a URL with a password', async () => {
    const live = await nodeRedis.connect(redis.url);
    cleanups.push(() => live.close());
    const store = new RedisTokenStore(live.client, { prefix: 'audit:' });
    const fml = client({ tokenStore: store });
    await fml.cases.create(body(50));
    expose('live store', store);
    const gone = new Redis(`redis://:${SECRETS.redisPassword}@127.0.0.1:${redis.port + 1}`, {
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    gone.on('error', () => undefined);
    const deadStore = new RedisTokenStore(gone);
    await failure('dead redis set', () =>
      deadStore.set('k', { accessToken: [...mintedTokens][0]!, issuedAt: Date.now(), expiresAt: Date.now() + 60_000 }),
    );
    await failure('dead redis client', () => client({ tokenStore: deadStore }).cases.get('CS-1'));
    gone.disconnect();
    const fromUrl = redisTokenStoreFromUrl(`redis://:${SECRETS.redisPassword}@127.0.0.1:${redis.port + 1}`, {
      fallbackToLocal: false,
      connectTimeoutMs: 300,
    });
    expose('url store', fromUrl);
    await failure('url store', () => fromUrl.get('k'));
    await fromUrl.close();
  });

  it('finds no secret and no minted token anywhere', () => {
    expose('sandbox', sb);
    surfaces.push(...logLines);
    // The audit must have had something to audit.
    expect(mintedTokens.size).toBeGreaterThan(3);
    expect(logLines.some((l) => l.startsWith('debug'))).toBe(true);
    expect(errorsSeen.length).toBeGreaterThan(25);
    expect(errorsSeen.every((e) => e instanceof FmlError)).toBe(true);
    const needles = [...Object.entries(SECRETS), ...[...mintedTokens].map((t, i) => [`minted token ${i}`, t] as const)];
    const leaks = needles.flatMap(([name, secret]) =>
      surfaces.filter((s) => s.includes(secret)).map((s) => `${name} in: ${s.slice(0, 300)}`),
    );
    expect(leaks).toEqual([]);
  });
});
