// Receiving per FML's published schemas (fml-api.md §7): a signed event with a valid RFC 3339 timestamp
// in any form is applied exactly once, however often FML redelivers it; a signed event that still fails
// validation is never acknowledged unprocessed nor refused for good — 500 so FML redelivers, or the
// integrator's onInvalidEvent takes it. On a real node:http server and through the Fetch handler.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createNodeWebhookHandler, createWebhookHandler, type WebhookEvent } from '../../src/webhooks';
import { SECRET, samples, signed } from './fixtures';

const servers: http.Server[] = [];

async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse) => unknown): Promise<string> {
  const server = http.createServer((req, res) => void handler(req, res));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

function post(url: string, payload: unknown): Promise<Response> {
  const s = signed(payload);
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-fml-signature': s.signature },
    body: s.body,
  });
}

const fetchDelivery = (payload: unknown): Request => {
  const s = signed(payload);
  return new Request('https://receiver.example/webhooks/fml', {
    method: 'POST',
    headers: { 'x-fml-signature': s.signature },
    body: s.body,
  });
};

// The data package FML purges once it gets a 2xx (Zero-Retention).
const lowerCase = {
  ...samples['case.data_package.delivered'],
  eventId: '6d1f0c2e-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
  timestamp: '2026-05-16t10:02:00z',
  decidedAt: '2016-12-31T23:59:60.123456789+00:00',
};
// Valid JSON, signed, but `timestamp` is not a date-time: FML's own schema refuses it too.
const broken = {
  ...samples['case.data_package.delivered'],
  eventId: '0e9b6c55-3f4d-4b1a-9c8e-7d6f5e4d3c2b',
  timestamp: 'last Tuesday',
};

describe('a signed event with 2026-05-16t10:02:00z (RFC 3339, lower-case t and z)', () => {
  it('is applied exactly once over three deliveries on node:http', async () => {
    const applied: WebhookEvent[] = [];
    const url = await serve(createNodeWebhookHandler({ secret: SECRET, onEvent: (event) => void applied.push(event) }));
    const answers = [];
    for (let i = 0; i < 3; i++) {
      const response = await post(url, lowerCase);
      answers.push([response.status, await response.json()]);
    }
    expect(answers).toEqual([
      [200, { received: true }],
      [200, { received: true, duplicate: true }],
      [200, { received: true, duplicate: true }],
    ]);
    expect(applied).toEqual([lowerCase]);
    expect(applied[0]?.timestamp).toBe('2026-05-16t10:02:00z');
  });

  it('is applied exactly once through the Fetch handler', async () => {
    const onEvent = vi.fn();
    const handle = createWebhookHandler({ secret: SECRET, onEvent });
    expect((await handle(fetchDelivery(lowerCase))).status).toBe(200);
    expect((await handle(fetchDelivery(lowerCase))).status).toBe(200);
    expect(onEvent).toHaveBeenCalledTimes(1);
  });
});

describe('a signed event that fails validation', () => {
  it('is answered 500 invalid_payload (never 400) on every delivery, with the issues, and onEvent is not called', async () => {
    const onEvent = vi.fn();
    const onError = vi.fn();
    const url = await serve(createNodeWebhookHandler({ secret: SECRET, onEvent, onError }));
    for (let i = 0; i < 2; i++) {
      const response = await post(url, broken);
      expect(response.status).toBe(500);
      const body = (await response.json()) as { error: string; issues: unknown; message: string };
      expect(body).toMatchObject({ error: 'invalid_payload', issues: [{ path: 'timestamp' }] });
      expect(body.message).toMatch(/FML will redeliver it/);
      // Issues name the field, never the value (the data package holds special-category data).
      expect(JSON.stringify(body)).not.toContain('last Tuesday');
    }
    expect(onEvent).not.toHaveBeenCalled();
    expect(onError).toHaveBeenCalledWith(
      expect.any(Error),
      expect.objectContaining({
        status: 500,
        reason: 'invalid_payload',
        eventId: broken.eventId,
        event: 'case.data_package.delivered',
      }),
    );
  });

  it('reaches onInvalidEvent with the verified raw value and the issues, once; answered 200 only after the hook resolved', async () => {
    const taken: [unknown, unknown][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const onInvalidEvent = vi.fn(async (raw: unknown, issues: unknown) => {
      await gate;
      taken.push([raw, issues]);
    });
    const onEvent = vi.fn();
    const url = await serve(createNodeWebhookHandler({ secret: SECRET, onEvent, onInvalidEvent }));
    let settled = false;
    const first = post(url, broken).then((response) => {
      settled = true;
      return response;
    });
    await vi.waitFor(() => expect(onInvalidEvent).toHaveBeenCalledTimes(1));
    expect(settled).toBe(false); // not acknowledged while the hook is still keeping the event
    release();
    const response = await first;
    expect(response.status).toBe(200);
    expect(taken).toEqual([[broken, [expect.objectContaining({ path: 'timestamp' })]]]);
    // A redelivery of the event the hook already took is acknowledged without calling it again.
    const again = await post(url, broken);
    expect([again.status, await again.json()]).toEqual([200, { received: true, duplicate: true }]);
    expect(onInvalidEvent).toHaveBeenCalledTimes(1);
    expect(onEvent).not.toHaveBeenCalled();
  });

  it('is answered 500 when onInvalidEvent throws, and the redelivery reaches the hook again', async () => {
    const onInvalidEvent = vi
      .fn()
      .mockRejectedValueOnce(new Error('dead-letter table is down'))
      .mockResolvedValueOnce(undefined);
    const handle = createWebhookHandler({ secret: SECRET, onEvent: vi.fn(), onInvalidEvent, onError: () => undefined });
    const first = await handle(fetchDelivery(broken));
    expect([first.status, ((await first.json()) as { error: string }).error]).toEqual([500, 'handler_failed']);
    expect((await handle(fetchDelivery(broken))).status).toBe(200);
    expect(onInvalidEvent).toHaveBeenCalledTimes(2);
  });

  it('hands a verified body that is not JSON to onInvalidEvent as text', async () => {
    const onInvalidEvent = vi.fn();
    const handle = createWebhookHandler({ secret: SECRET, onEvent: vi.fn(), onInvalidEvent });
    const response = await handle(fetchDelivery('{"event": "case.created", truncated'));
    expect(response.status).toBe(200);
    expect(onInvalidEvent).toHaveBeenCalledWith('{"event": "case.created", truncated', expect.any(Array));
  });

  it('an unsigned or wrongly signed body never reaches onInvalidEvent (400, as before)', async () => {
    const onInvalidEvent = vi.fn();
    const handle = createWebhookHandler({ secret: SECRET, onEvent: vi.fn(), onInvalidEvent, onError: () => undefined });
    const s = signed(broken, 'whsec_someone_else');
    const response = await handle(
      new Request('https://receiver.example/', {
        method: 'POST',
        headers: { 'x-fml-signature': s.signature },
        body: s.body,
      }),
    );
    expect(response.status).toBe(400);
    expect(onInvalidEvent).not.toHaveBeenCalled();
  });
});
