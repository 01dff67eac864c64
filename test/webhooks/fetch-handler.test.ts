import { afterEach, describe, expect, it, vi } from 'vitest';
import { FmlConfigError } from '../../src/errors';
import {
  type WebhookEvent,
  createEventDeduper,
  createMemoryDedupeStore,
  createWebhookHandler,
  isKnownEvent,
} from '../../src/webhooks';
import { SECRET, samples, signed } from './fixtures';

const URL_ = 'https://receiver.example/webhooks/fml';

function delivery(
  payload: unknown = samples['case.status.changed'],
  init: { signature?: string | null; secret?: string; method?: string } = {},
): Request {
  const { body, signature } = signed(payload, init.secret ?? SECRET);
  const headers = new Headers({ 'content-type': 'application/json' });
  const sig = init.signature === undefined ? signature : init.signature;
  if (sig !== null) headers.set('X-FML-Signature', sig);
  return new Request(URL_, { method: init.method ?? 'POST', headers, body });
}

/** A streamed body of `total` bytes that counts how much of it was pulled. */
function countingStream(total: number, chunk = 64 * 1024) {
  const counter = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (counter.pulled >= total) return controller.close();
      counter.pulled += chunk;
      controller.enqueue(new Uint8Array(chunk).fill(0x20));
    },
  });
  return { stream, counter };
}

afterEach(() => vi.restoreAllMocks());

describe('createWebhookHandler (Fetch API)', () => {
  it('answers 200 only after onEvent resolves, handing it the typed event', async () => {
    const seen: WebhookEvent[] = [];
    let release!: () => void;
    const handler = createWebhookHandler({
      secret: SECRET,
      onEvent: async (event) => {
        seen.push(event);
        await new Promise<void>((r) => (release = r));
      },
    });
    let answered = false;
    const pending = handler(delivery()).then((r) => {
      answered = true;
      return r;
    });
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 10));
    expect(answered).toBe(false);
    release();
    const response = await pending;
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ received: true });
    const event = seen[0]!;
    expect(isKnownEvent(event) && event.event === 'case.status.changed' && event.status).toBe('approved');
  });

  it('acknowledges a redelivery with 200 without calling onEvent again', async () => {
    const onEvent = vi.fn();
    const handler = createWebhookHandler({ secret: SECRET, onEvent });
    expect((await handler(delivery())).status).toBe(200);
    const again = await handler(delivery());
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ received: true, duplicate: true });
    expect(onEvent).toHaveBeenCalledTimes(1);
  });

  it('never runs onEvent twice when two deliveries of one event race', async () => {
    let active = 0;
    let maxActive = 0;
    const onEvent = vi.fn(async () => {
      maxActive = Math.max(maxActive, ++active);
      await new Promise((r) => setTimeout(r, 20));
      active--;
    });
    const handler = createWebhookHandler({ secret: SECRET, onEvent });
    const responses = await Promise.all([handler(delivery()), handler(delivery()), handler(delivery())]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(onEvent).toHaveBeenCalledTimes(1);
    expect(maxActive).toBe(1);
  });

  it("answers 500 when onEvent throws, and processes FML's retry", async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    let attempts = 0;
    const handler = createWebhookHandler({
      secret: SECRET,
      onEvent: () => {
        if (++attempts === 1) throw new Error('HubSpot is down');
      },
    });
    const failed = await handler(delivery());
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ error: 'handler_failed' });
    expect((await handler(delivery())).status).toBe(200);
    expect(attempts).toBe(2);
  });

  it('logs an onEvent failure by default, naming the event but not the secret', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const handler = createWebhookHandler({ secret: SECRET, onEvent: () => Promise.reject(new Error('CRM down')) });
    await handler(delivery());
    expect(log).toHaveBeenCalledTimes(1);
    const line = String(log.mock.calls[0]![0]);
    expect(line).toContain('500 handler_failed');
    expect(line).toContain(samples['case.status.changed'].eventId);
    expect(JSON.stringify(log.mock.calls)).not.toContain(SECRET);
  });

  it('with dedupe: false, calls onEvent for every delivery', async () => {
    const onEvent = vi.fn();
    const handler = createWebhookHandler({ secret: SECRET, onEvent, dedupe: false });
    await handler(delivery());
    await handler(delivery());
    expect(onEvent).toHaveBeenCalledTimes(2);
  });

  it("uses a given deduper, so handlers sharing a store see each other's events", async () => {
    const store = createMemoryDedupeStore();
    const onEvent = vi.fn();
    const a = createWebhookHandler({ secret: SECRET, onEvent, dedupe: createEventDeduper({ store }) });
    const b = createWebhookHandler({ secret: SECRET, onEvent, dedupe: createEventDeduper({ store }) });
    expect((await a(delivery())).status).toBe(200);
    expect(await (await b(delivery())).json()).toEqual({ received: true, duplicate: true });
    expect(onEvent).toHaveBeenCalledTimes(1);
  });

  it('answers 409 while another process holds the event, so FML retries later', async () => {
    const store = createMemoryDedupeStore();
    await store.claim(samples['case.status.changed'].eventId, 60_000);
    const onEvent = vi.fn();
    const response = await createWebhookHandler({ secret: SECRET, onEvent, dedupe: createEventDeduper({ store }) })(
      delivery(),
    );
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: 'in_progress' });
    expect(onEvent).not.toHaveBeenCalled();
  });

  it('answers 503 when the de-duplication store fails before onEvent runs', async () => {
    const onEvent = vi.fn();
    const dedupe = createEventDeduper({
      store: {
        claim: () => Promise.reject(new Error('redis down')),
        markDone: () => undefined,
        release: () => undefined,
      },
    });
    const onError = vi.fn();
    const response = await createWebhookHandler({ secret: SECRET, onEvent, dedupe, onError })(delivery());
    expect(response.status).toBe(503);
    expect(onEvent).not.toHaveBeenCalled();
    expect(onError).toHaveBeenCalledWith(
      expect.objectContaining({ message: 'redis down' }),
      expect.objectContaining({ reason: 'dedupe_store_failed' }),
    );
  });

  it.each([
    ['a wrong signature', { secret: 'someone-else' }, 'signature_mismatch'],
    ['no signature', { signature: null }, 'missing_signature'],
    ['an empty signature', { signature: '' }, 'missing_signature'],
    ['a sha1 signature', { signature: `sha1=${'a'.repeat(40)}` }, 'malformed_signature'],
  ])('answers 400 for %s, with the reason and without the secret', async (_label, init, reason) => {
    const onEvent = vi.fn();
    const onError = vi.fn();
    const response = await createWebhookHandler({ secret: SECRET, onEvent, onError })(delivery(undefined, init));
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ error: reason, message: expect.any(String) });
    expect(text).not.toContain(SECRET);
    expect(onEvent).not.toHaveBeenCalled();
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ reason }), { status: 400, reason });
  });

  it('answers 500 (never 400) with the issues for a signed payload that is not a valid event, so FML redelivers it', async () => {
    const { status: _status, ...payload } = samples['case.status.changed'];
    const onEvent = vi.fn();
    const onError = vi.fn();
    const response = await createWebhookHandler({ secret: SECRET, onEvent, onError })(delivery(payload));
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({
      error: 'invalid_payload',
      issues: [{ path: 'status', message: 'is required' }],
    });
    expect(onEvent).not.toHaveBeenCalled();
    expect(onError).toHaveBeenCalledWith(
      expect.any(Error),
      expect.objectContaining({ status: 500, reason: 'invalid_payload', eventId: payload.eventId }),
    );
  });

  it('answers 400 timestamp_too_old when maxAgeSeconds is set and the event is older', async () => {
    const old = { ...samples['case.status.changed'], timestamp: new Date(Date.now() - 3_600_000).toISOString() };
    const response = await createWebhookHandler({ secret: SECRET, onEvent: vi.fn(), maxAgeSeconds: 60 })(delivery(old));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'timestamp_too_old' });
  });

  it.each(['GET', 'PUT', 'HEAD'])('answers 405 to %s with Allow: POST', async (method) => {
    const onEvent = vi.fn();
    const response = await createWebhookHandler({ secret: SECRET, onEvent })(new Request(URL_, { method }));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(onEvent).not.toHaveBeenCalled();
  });

  it('answers 413 to a streamed 10 MB body after reading little more than the limit', async () => {
    const { stream, counter } = countingStream(10 * 1024 * 1024);
    const onEvent = vi.fn();
    const request = new Request(URL_, {
      method: 'POST',
      body: stream,
      duplex: 'half',
      headers: { 'x-fml-signature': `sha256=${'0'.repeat(64)}` },
    } as RequestInit);
    const response = await createWebhookHandler({ secret: SECRET, onEvent })(request);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: 'body_too_large' });
    expect(counter.pulled).toBeLessThan(2 * 1024 * 1024);
    expect(onEvent).not.toHaveBeenCalled();
  });

  it('answers 413 from a declared Content-Length without reading the body at all', async () => {
    const { stream, counter } = countingStream(10 * 1024 * 1024);
    const request = new Request(URL_, {
      method: 'POST',
      body: stream,
      duplex: 'half',
      headers: { 'content-length': String(10 * 1024 * 1024) },
    } as RequestInit);
    const response = await createWebhookHandler({ secret: SECRET, onEvent: vi.fn(), maxBodyBytes: 4096 })(request);
    expect(response.status).toBe(413);
    expect(counter.pulled).toBeLessThanOrEqual(64 * 1024);
  });

  it('accepts a body exactly at maxBodyBytes and refuses one byte more', async () => {
    const { body } = signed(samples['case.created']);
    const size = new TextEncoder().encode(body).byteLength;
    const exact = createWebhookHandler({ secret: SECRET, onEvent: vi.fn(), maxBodyBytes: size });
    expect((await exact(delivery(samples['case.created']))).status).toBe(200);
    const smaller = createWebhookHandler({ secret: SECRET, onEvent: vi.fn(), maxBodyBytes: size - 1 });
    expect((await smaller(delivery(samples['case.created']))).status).toBe(413);
  });

  it('handles an unknown event like any other: verified, de-duplicated, handed to onEvent', async () => {
    const onEvent = vi.fn();
    const handler = createWebhookHandler({ secret: SECRET, onEvent });
    const payload = { ...samples['case.submitted'], event: 'case.archived', eventId: 'evt-new' };
    expect((await handler(delivery(payload))).status).toBe(200);
    expect(onEvent).toHaveBeenCalledWith(payload);
  });

  it('refuses to start without a secret or onEvent, or with a bad limit', () => {
    expect(() => createWebhookHandler({ secret: '', onEvent: vi.fn() })).toThrow(FmlConfigError);
    expect(() => createWebhookHandler({ secret: [], onEvent: vi.fn() })).toThrow(/secret/);
    expect(() => createWebhookHandler({ secret: SECRET } as never)).toThrow(/onEvent/);
    expect(() => createWebhookHandler({ secret: SECRET, onEvent: vi.fn(), maxBodyBytes: 0 })).toThrow(/maxBodyBytes/);
    expect(() => createWebhookHandler({ secret: SECRET, onEvent: vi.fn(), maxAgeSeconds: Number.NaN })).toThrow(
      /maxAgeSeconds/,
    );
  });
});
