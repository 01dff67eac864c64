import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyKey } from '../../src/idempotency';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import type { RequestLogEntry } from '../../src/sandbox/options';

// The app is plain CommonJS, as `zapier push` uploads it; zapier-platform-core's own app tester runs it.
const require = createRequire(import.meta.url);
// biome-ignore lint/suspicious/noExplicitAny: zapier-platform-core ships no types; the expectations check each answer's shape
type ZapierCallback = (err: unknown, result: any) => void;
const zapier = require('zapier-platform-core') as {
  createAppTester: (app: unknown) => AppTester;
  createAppHandler: (app: unknown) => (event: unknown, context: unknown, callback: ZapierCallback) => void;
  version: string;
};
const App = require('../../examples/zapier/index.js') as ZapierApp;
const { idempotencyKeyFor } = require('../../examples/zapier/creates/start-case.js') as {
  idempotencyKeyFor: (s: string, id: string) => string;
};

type Bundle = {
  authData?: Record<string, unknown>;
  inputData?: Record<string, unknown>;
  meta?: Record<string, unknown>;
};
// biome-ignore lint/suspicious/noExplicitAny: zapier-platform-core ships no types; the expectations check each answer's shape
type AppTester = (method: unknown, bundle?: Bundle) => Promise<any>;
interface ZapierApp {
  version: string;
  platformVersion: string;
  authentication: { test: unknown; sessionConfig: { perform: unknown } };
  triggers: { new_event: { operation: { perform: unknown } } };
  creates: { start_case: { operation: { perform: unknown } } };
  searches: { find_case: { operation: { perform: unknown } } };
}

const appTester = zapier.createAppTester(App);

describe('the Zapier app (examples/zapier) against the sandbox', () => {
  let sb: Sandbox;
  const log: RequestLogEntry[] = [];
  let authData: Record<string, unknown>;

  beforeAll(async () => {
    sb = await startSandbox({ onRequest: (e) => log.push(e) });
    authData = { clientId: sb.clientId, clientSecret: sb.clientSecret, baseUrl: `${sb.url}/` };
    // What Zapier does when the user connects: exchange the credentials for a session token.
    const session = (await appTester(App.authentication.sessionConfig.perform, { authData })) as {
      accessToken: string;
    };
    authData = { ...authData, ...session };
  });
  afterEach(() => {
    sb.faults.clear();
  });
  afterAll(async () => {
    await sb?.close();
  });

  it("is a valid Zapier app definition (the platform's own validate command) on the platform version it declares", async () => {
    const handler = zapier.createAppHandler(App);
    const answer = await new Promise<{ results: unknown[]; status: string }>((resolve, reject) =>
      handler({ command: 'validate' }, {}, (err, res) => (err ? reject(err) : resolve(res))),
    );
    expect(answer).toEqual({ results: [], status: 'SUCCESS' });
    expect(App.platformVersion).toBe(zapier.version);
  });

  it('session auth: mints a token from the client credentials; the connection test passes with it', async () => {
    expect(authData.accessToken).toMatch(/\S{20,}/);
    const result = await appTester(App.authentication.test, { authData });
    expect(result).toMatchObject({ ok: true });
    const auth = log.filter((e) => e.path === '/v1/cases' && e.method === 'GET').at(-1);
    expect(auth?.status).toBe(200);
  });

  it('session auth: a wrong secret is a clear error naming the fields to fix', async () => {
    await expect(
      appTester(App.authentication.sessionConfig.perform, { authData: { ...authData, clientSecret: 'sk_test_wrong' } }),
    ).rejects.toThrow(/invalid_client\): check the Client ID and Client Secret/);
  });

  it('an expired token asks Zapier to refresh the session (RefreshAuthError), and the fresh token works', async () => {
    sb.expireTokens();
    await expect(
      appTester(App.searches.find_case.operation.perform, { authData, inputData: { caseId: 'whatever' } }),
    ).rejects.toMatchObject({ name: 'RefreshAuthError' });
    const session = (await appTester(App.authentication.sessionConfig.perform, { authData })) as {
      accessToken: string;
    };
    authData = { ...authData, ...session };
    await expect(
      appTester(App.searches.find_case.operation.perform, { authData, inputData: { caseId: 'whatever' } }),
    ).resolves.toEqual([]);
  });

  it('"Start KYB case" creates the case with Idempotency-Key <crmSource>-<crmRecordId>, and a re-run replays it', async () => {
    const inputData = {
      customerEmail: 'ops@globex.example',
      customerName: 'Hank Scorpio',
      companyName: 'Globex Ltd',
      country: 'United Kingdom',
      crmRecordId: '9001',
      crmSource: 'Pipedrive',
      sendInvite: true,
    };
    const first = await appTester(App.creates.start_case.operation.perform, { authData, inputData });
    expect(first).toMatchObject({
      customerEmail: 'ops@globex.example',
      crmRecordId: '9001',
      crmSource: 'pipedrive',
      status: 'in-progress',
      replayed: 'false',
      idempotencyKey: 'pipedrive-9001',
    });
    expect(first.inviteSentAt).toEqual(expect.any(String));

    // The response of the first try was lost: Zapier runs the step again; FML answers with the same case.
    sb.faults.loseResponse();
    await expect(
      appTester(App.creates.start_case.operation.perform, {
        authData,
        inputData: { ...inputData, crmRecordId: '9002' },
      }),
    ).rejects.toThrow();
    const retried = await appTester(App.creates.start_case.operation.perform, {
      authData,
      inputData: { ...inputData, crmRecordId: '9002' },
    });
    expect(retried.replayed).toBe('true');
    const again = await appTester(App.creates.start_case.operation.perform, { authData, inputData });
    expect(again).toMatchObject({ caseId: first.caseId, replayed: 'true' });
    expect(sb.cases.filter((c) => c.crmRecordId === '9001' || c.crmRecordId === '9002')).toHaveLength(2);
  });

  it('uses the same Idempotency-Key rule as the SDK (idempotencyKey.forCrmRecord)', () => {
    for (const [source, id] of [
      ['hubspot', '12345678901'],
      [' Salesforce ', ' 0015g00000XyZ '],
    ] as const) {
      expect(idempotencyKeyFor(source, id)).toBe(idempotencyKey.forCrmRecord(source, id));
    }
  });

  it('"Start KYB case": a missing email is FML\'s validation error, with the field named', async () => {
    await expect(
      appTester(App.creates.start_case.operation.perform, {
        authData,
        inputData: { customerEmail: 'not-an-email', crmRecordId: '9003' },
      }),
    ).rejects.toThrow(/validation_error.*customerEmail/);
  });

  it('"Find case" finds a case by id, and returns [] for an unknown one', async () => {
    const created = await appTester(App.creates.start_case.operation.perform, {
      authData,
      inputData: { customerEmail: 'a@b.example', crmRecordId: '9004' },
    });
    const found = await appTester(App.searches.find_case.operation.perform, {
      authData,
      inputData: { caseId: created.caseId },
    });
    expect(found).toEqual([
      expect.objectContaining({ id: created.caseId, caseId: created.caseId, crmRecordId: '9004' }),
    ]);
    expect(
      await appTester(App.searches.find_case.operation.perform, { authData, inputData: { caseId: 'CS-0000-00000' } }),
    ).toEqual([]);
  });

  it('"New FML event" polls /v1/events: every event, newest first, id = eventId, across pages', async () => {
    const created = await appTester(App.creates.start_case.operation.perform, {
      authData,
      inputData: { customerEmail: 'c@d.example', crmRecordId: '9005' },
    });
    sb.advanceCase(created.caseId, 'approved');
    const feed = sb.events;
    const events = await appTester(App.triggers.new_event.operation.perform, { authData, inputData: {} });
    expect(events.map((e: { id: string }) => e.id)).toEqual(feed.map((e) => e.eventId).reverse());
    for (const e of events) expect(e.id).toBe(e.eventId);
    expect(new Set(events.map((e: { id: string }) => e.id)).size).toBe(events.length);
    expect(events[0]).toMatchObject({
      event: 'case.onboarding_progress.changed',
      caseId: created.caseId,
      stage: 'decision_made',
    });
  });

  it('"New FML event": an event type filter, and at most 3 events when Zapier loads a sample', async () => {
    const only = await appTester(App.triggers.new_event.operation.perform, {
      authData,
      inputData: { eventType: 'case.created' },
    });
    expect(only.length).toBe(sb.events.filter((e) => e.event === 'case.created').length);
    expect(only.every((e: { event: string }) => e.event === 'case.created')).toBe(true);
    const sample = await appTester(App.triggers.new_event.operation.perform, {
      authData,
      inputData: {},
      meta: { isLoadingSample: true },
    });
    expect(sample.map((e: { id: string }) => e.id)).toEqual(
      sb.events
        .map((e) => e.eventId)
        .reverse()
        .slice(0, 3),
    );
  });

  it("a throttled poll becomes Zapier's ThrottledError with FML's Retry-After", async () => {
    sb.faults.rateLimit(7, { path: '/v1/events' });
    const error = (await appTester(App.triggers.new_event.operation.perform, { authData, inputData: {} }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error.name).toBe('ThrottledError');
    expect(JSON.parse(error.message)).toMatchObject({ delay: 7 });
  });
});
