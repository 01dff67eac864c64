import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { api, mint, postCase, startReceiver, type Receiver } from './helpers';

let sb: Sandbox;
let call: ReturnType<typeof api>;
const receivers: Receiver[] = [];

async function receiver(statuses: number[] = []): Promise<Receiver> {
  const r = await startReceiver(statuses);
  receivers.push(r);
  return r;
}

beforeEach(async () => {
  sb = await startSandbox({ webhookRetryDelaysMs: [10, 10, 10] });
  call = api(sb, await mint(sb));
});
afterEach(async () => {
  await sb.close();
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

const parsed = (r: Receiver) => r.requests.map((q) => JSON.parse(q.body) as Record<string, unknown>);
const newCase = async (body: Record<string, unknown> = {}) =>
  (await (
    await postCase(call, {
      customerEmail: 'jane@acme.example',
      companyName: 'Acme',
      crmRecordId: '77',
      crmSource: 'hubspot',
      ...body,
    })
  ).json()) as { caseId: string };

describe('webhook deliveries', () => {
  it('POSTs every event of a new case, flat and signed with X-FML-Signature over the raw body', async () => {
    const r = await receiver();
    sb.addWebhookEndpoint(r.url);
    const { caseId } = await newCase({ sendInvite: true });
    await sb.waitForDeliveries();
    expect(parsed(r).map((e) => e.event)).toEqual([
      'case.created',
      'case.status.changed',
      'case.onboarding_progress.changed',
    ]);
    for (const req of r.requests) {
      expect(req.headers['content-type']).toBe('application/json');
      const expected = `sha256=${createHmac('sha256', sb.webhookSecret).update(req.body).digest('hex')}`;
      expect(req.headers['x-fml-signature']).toBe(expected);
    }
    expect(parsed(r)[0]).toMatchObject({
      caseId,
      crmRecordId: '77',
      crmSource: 'hubspot',
      companyName: 'Acme',
      orgId: sb.orgId,
      eventVersion: 1,
    });
    expect(parsed(r)[2]).toMatchObject({ stage: 'invite_sent' });
    expect(
      sb.deliveries.every((d) => d.state === 'delivered' && d.attempts.length === 1 && d.attempts[0]!.status === 200),
    ).toBe(true);
  });

  it('emits status, decision and stage events when a case is advanced to approved', async () => {
    const { caseId } = await newCase();
    const r = await receiver();
    sb.addWebhookEndpoint(r.url);
    const updated = sb.advanceCase(caseId, 'approved');
    expect(updated.status).toBe('approved');
    await sb.waitForDeliveries();
    const events = parsed(r);
    expect(events.map((e) => e.event)).toEqual([
      'case.status.changed',
      'case.decision.made',
      'case.onboarding_progress.changed',
    ]);
    expect(events[0]).toMatchObject({ status: 'approved', previousStatus: 'in-progress', caseId });
    expect(events[1]).toMatchObject({ status: 'approved', decision: 'approve' });
    expect(events[2]).toMatchObject({ stage: 'decision_made', stageLabel: 'Decision made' });
    expect((await (await call(`/v1/cases/${caseId}`)).json()) as { status: string }).toMatchObject({
      status: 'approved',
    });
  });

  it('emits case.submitted with the application_submitted stage, and nothing for a move to where the case already is', async () => {
    const { caseId } = await newCase();
    const r = await receiver();
    sb.addWebhookEndpoint(r.url);
    sb.advanceCase(caseId, 'application_submitted');
    sb.advanceCase(caseId, 'application_submitted');
    sb.advanceCase(caseId, { status: 'pending_senior', recommendation: 'refer', changedBy: 'analyst@fml' });
    await sb.waitForDeliveries();
    expect(parsed(r).map((e) => e.event)).toEqual([
      'case.onboarding_progress.changed',
      'case.submitted',
      'case.status.changed',
    ]);
    expect(parsed(r)[2]).toMatchObject({
      status: 'pending_senior',
      previousStatus: 'in-progress',
      recommendation: 'refer',
      changedBy: 'analyst@fml',
    });
  });

  it('delivers only the events an endpoint asked for (exact names or a prefix*)', async () => {
    const statusOnly = await receiver();
    const caseStar = await receiver();
    sb.addWebhookEndpoint(statusOnly.url, { events: ['case.status.changed'] });
    sb.addWebhookEndpoint(caseStar.url, { events: ['case.onboarding_*'] });
    const { caseId } = await newCase();
    sb.advanceCase(caseId, 'declined');
    await sb.waitForDeliveries();
    expect(parsed(statusOnly).map((e) => e.status)).toEqual(['in-progress', 'declined']);
    expect(parsed(caseStar).map((e) => e.stage)).toEqual(['created', 'decision_made']);
  });

  it('retries until a 2xx with the same body and eventId, and logs every attempt', async () => {
    const r = await receiver([500, 503]);
    sb.addWebhookEndpoint(r.url, { events: ['case.created'] });
    await newCase();
    await sb.waitForDeliveries();
    expect(r.requests).toHaveLength(3);
    expect(new Set(r.requests.map((q) => q.body)).size).toBe(1);
    expect(new Set(r.requests.map((q) => q.headers['x-fml-signature'])).size).toBe(1);
    const [delivery] = sb.deliveries;
    expect(delivery).toMatchObject({ state: 'delivered', event: 'case.created', eventId: parsed(r)[0]!.eventId });
    expect(delivery!.attempts.map((a) => a.status)).toEqual([500, 503, 200]);
  });

  it('marks a delivery failed once the retry schedule is spent, recording connection errors', async () => {
    const r = await receiver();
    const deadUrl = r.url;
    await r.close();
    sb.addWebhookEndpoint(deadUrl, { events: ['case.created'] });
    await newCase();
    await sb.waitForDeliveries();
    const [delivery] = sb.deliveries;
    expect(delivery!.state).toBe('failed');
    expect(delivery!.attempts).toHaveLength(4); // first try + 3 retries
    expect(delivery!.attempts.every((a) => a.status === null && a.error === 'ECONNREFUSED')).toBe(true);
  });

  it('gives up on an attempt after webhookTimeoutMs and records the timeout', async () => {
    await sb.close();
    sb = await startSandbox({ webhookRetryDelaysMs: [], webhookTimeoutMs: 100 });
    call = api(sb, await mint(sb));
    const silent = createServer(() => {}); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      sb.addWebhookEndpoint(`http://127.0.0.1:${port}/hooks`, { events: ['case.created'] });
      await newCase();
      await sb.waitForDeliveries();
      expect(sb.deliveries[0]).toMatchObject({
        state: 'failed',
        attempts: [{ status: null, error: 'timeout after 100 ms' }],
      });
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('redelivers an event by hand with the same eventId', async () => {
    const r = await receiver();
    sb.addWebhookEndpoint(r.url, { events: ['case.created'] });
    await newCase();
    await sb.waitForDeliveries();
    const eventId = parsed(r)[0]!.eventId as string;
    expect(sb.redeliver(eventId)).toBe(1);
    await sb.waitForDeliveries();
    expect(parsed(r).map((e) => e.eventId)).toEqual([eventId, eventId]);
    expect(r.requests[0]!.body).toBe(r.requests[1]!.body);
  });

  it('signs with an endpoint-specific secret and sends a tenant only its own events', async () => {
    const mine = await receiver();
    const theirs = await receiver();
    sb.addWebhookEndpoint(mine.url, { secret: 'whsec_custom', events: ['case.created'] });
    sb.addWebhookEndpoint(theirs.url, { orgId: 'org_other' });
    await newCase();
    await sb.waitForDeliveries();
    expect(mine.requests[0]!.headers['x-fml-signature']).toBe(
      `sha256=${createHmac('sha256', 'whsec_custom').update(mine.requests[0]!.body).digest('hex')}`,
    );
    expect(theirs.requests).toHaveLength(0);
  });

  it('refuses endpoint URLs that are not http(s), and unknown cases in advanceCase', async () => {
    expect(() => sb.addWebhookEndpoint('ftp://example.com/x')).toThrow(/http/);
    expect(() => sb.addWebhookEndpoint('not a url')).toThrow(/absolute URL/);
    expect(() => sb.advanceCase('nope', 'approved')).toThrow(/no case/);
  });

  it('waitForDeliveries rejects after its timeout while a delivery is still pending', async () => {
    await sb.close();
    sb = await startSandbox({ webhookRetryDelaysMs: [60_000] });
    call = api(sb, await mint(sb));
    const r = await receiver([500]);
    sb.addWebhookEndpoint(r.url, { events: ['case.created'] });
    await newCase();
    await expect(sb.waitForDeliveries({ timeoutMs: 200 })).rejects.toThrow(/still pending/);
    expect(sb.deliveries[0]).toMatchObject({ state: 'pending' });
    expect(sb.deliveries[0]!.nextAttemptAt).not.toBeNull();
  });
});
