// @firstmilelabs/cases/fixtures as a connector author or receiver author uses it: sample events and
// answers from openapi.yaml, and signedDelivery() POSTed at real receivers (Node http on 127.0.0.1 and
// a fetch handler), with nock serving the sample answers to the client.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FmlClient, FmlConfigError } from '../../src/index';
import {
  eventExamples,
  sampleAnswers,
  sampleEvent,
  sampleEvents,
  sampleRequests,
  signedDelivery,
} from '../../src/fixtures/index';
import {
  createNodeWebhookHandler,
  createWebhookHandler,
  knownEventNames,
  verifySignature,
  type CaseStatusChangedEvent,
  type WebhookEvent,
} from '../../src/webhooks';

const SECRET = 'whsec_fixtures_test_0b7c';
const spec = parseYaml(readFileSync(fileURLToPath(new URL('../../openapi.yaml', import.meta.url)), 'utf8')) as {
  webhooks: Record<
    string,
    { post: { requestBody: { content: Record<string, { examples: Record<string, unknown> }> } } }
  >;
};

describe('sample events', () => {
  it("one per known event, the first of the spec's examples, typed by its name", () => {
    expect(Object.keys(sampleEvents).sort()).toEqual([...knownEventNames].sort());
    for (const name of knownEventNames) {
      const names = Object.keys(spec.webhooks[name]!.post.requestBody.content['application/json']!.examples);
      expect(eventExamples[name].map((e) => e.name)).toEqual(names);
      expect(sampleEvents[name]).toBe(eventExamples[name][0]!.value);
      expect(sampleEvents[name].event).toBe(name);
    }
    // Typed: the status sample is a CaseStatusChangedEvent (a compile error otherwise).
    const status: CaseStatusChangedEvent = sampleEvents['case.status.changed'];
    expect(status.previousStatus).toBe('in-progress');
  });

  it('are frozen; sampleEvent gives a fresh copy with overrides, and names a wrong event clearly', () => {
    expect(() => {
      (sampleEvents['case.status.changed'] as { status: string }).status = 'declined';
    }).toThrow(TypeError);
    expect(Object.isFrozen(sampleEvents['screening.completed'].summary[0])).toBe(true);
    const copy = sampleEvent('case.status.changed', {
      status: 'declined',
      eventId: '11111111-2222-4333-8444-555555555555',
    });
    expect(copy).toMatchObject({
      event: 'case.status.changed',
      status: 'declined',
      eventId: '11111111-2222-4333-8444-555555555555',
      caseId: sampleEvents['case.status.changed'].caseId,
    });
    copy.status = 'approved';
    expect(sampleEvents['case.status.changed'].status).toBe('approved');
    const nested = sampleEvent('screening.completed');
    nested.summary[0]!.status = 'match';
    expect(sampleEvents['screening.completed'].summary[0]!.status).toBe('clear');
    expect(() => sampleEvent('case.archived' as 'case.created')).toThrow(FmlConfigError);
    expect(() => sampleEvent('case.archived' as 'case.created')).toThrow(/known events: .*case\.created/);
  });
});

describe('signedDelivery', () => {
  let server: Server;
  let url: string;
  const received: WebhookEvent[] = [];

  beforeAll(async () => {
    const handler = createNodeWebhookHandler({
      secret: SECRET,
      onEvent: (event) => void received.push(event),
      dedupe: false,
    });
    server = createServer((req, res) => void handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/fml`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('every example of every event, POSTed at a Node receiver, is verified and handed on as sent', async () => {
    received.length = 0;
    const all = knownEventNames.flatMap((name) => eventExamples[name].map((e) => e.value as WebhookEvent));
    for (const event of all) {
      const { body, headers } = signedDelivery(event, SECRET);
      expect(headers['content-type']).toBe('application/json');
      expect(headers['x-fml-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(await verifySignature(body, headers['x-fml-signature'], SECRET)).toBe(true);
      const res = await fetch(url, { method: 'POST', headers, body });
      expect(res.status, `${event.event}: ${await res.clone().text()}`).toBe(200);
    }
    expect(received).toEqual(all);
    expect(all.length).toBeGreaterThanOrEqual(knownEventNames.length);
  });

  it('is refused under another secret, or with a changed body; a raw string is signed byte for byte', async () => {
    const forged = signedDelivery(sampleEvents['case.decision.made'], 'whsec_someone_else');
    expect((await fetch(url, { method: 'POST', headers: forged.headers, body: forged.body })).status).toBe(400);
    const real = signedDelivery(sampleEvents['case.decision.made'], SECRET);
    expect(
      (await fetch(url, { method: 'POST', headers: real.headers, body: real.body.replace('approve"', 'decline"') }))
        .status,
    ).toBe(400);

    // Spaces and key order FML might use: the signature is over exactly these bytes.
    const raw = JSON.stringify(sampleEvents['case.submitted'], null, 2);
    const spaced = signedDelivery(raw, SECRET);
    expect(spaced.body).toBe(raw);
    const onEvent: WebhookEvent[] = [];
    const handle = createWebhookHandler({ secret: SECRET, onEvent: (e) => void onEvent.push(e) });
    const res = await handle(
      new Request('http://localhost/webhooks/fml', { method: 'POST', headers: spaced.headers, body: spaced.body }),
    );
    expect(res.status).toBe(200);
    expect(onEvent).toEqual([sampleEvents['case.submitted']]);
  });

  it('refuses bad input with an FmlConfigError that says what to pass', () => {
    expect(() => signedDelivery(sampleEvents['case.created'], '')).toThrow(FmlConfigError);
    expect(() => signedDelivery(null as unknown as object, SECRET)).toThrow(/object or a JSON string, not null/);
    expect(() => signedDelivery(42 as unknown as object, SECRET)).toThrow(/not number/);
  });
});

describe('sample answers', () => {
  afterEach(() => nock.cleanAll());
  const BASE = 'https://fml.fixtures.example';

  it('stub FML for the client: the sample token, case, case list and event page pass its contract checks', async () => {
    const token = sampleAnswers.createToken['200'].token.value;
    const kase = sampleAnswers.getCase['200'].inProgress.value;
    nock(BASE)
      .post('/v1/oauth/token')
      .reply(200, token)
      .get(`/v1/cases/${kase.caseId}`)
      .reply(200, kase)
      .post('/v1/cases')
      .reply(201, sampleAnswers.createCase['201'].created.value)
      .get('/v1/events')
      .query(true)
      .reply(200, sampleAnswers.listEvents['200'].lastPage.value);
    const fml = new FmlClient({
      clientId: 'pk_test_fixtures',
      clientSecret: 'sk_test_fixtures',
      baseUrl: BASE,
      maxRetries: 0,
    });
    expect(await fml.cases.get(kase.caseId)).toEqual(kase);
    const created = await fml.cases.create(sampleRequests.createCase.hubspot.value, {
      idempotencyKey: 'hubspot-12345678901',
    });
    expect(created.case.caseId).toBe(kase.caseId);
    const events = [];
    for await (const e of fml.events.list()) events.push(e);
    expect(events).toEqual(sampleAnswers.listEvents['200'].lastPage.value.data);
  });

  it("give each error status FML's error body", () => {
    expect(sampleAnswers.getCase['404'].notFound.value.error).toBe('not_found');
    expect(sampleAnswers.createCase['409'].conflict.value.error).toBe('idempotency_key_conflict');
    expect(sampleAnswers.createCase['429'].rateLimited.value.error).toBe('rate_limited');
    expect(sampleAnswers.createCase.default.unavailable.value.error).toBe('server_error');
  });
});
