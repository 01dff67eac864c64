import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createNodeWebhookHandler, readRawBody } from '../../src/webhooks';
import { likeExpressParser, type ParsedListener } from '../helpers/express-parser';
import { slowSend } from '../helpers/slow-sender';
import { SECRET, samples, signed } from './fixtures';

type Listener = ParsedListener;
const servers: http.Server[] = [];

async function serve(listener: Listener): Promise<string> {
  const server = http.createServer(listener as http.RequestListener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

function post(url: string, payload: unknown = samples['case.status.changed'], signature?: string): Promise<Response> {
  const s = signed(payload);
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-fml-signature': signature ?? s.signature },
    body: s.body,
  });
}

describe('createNodeWebhookHandler on a real node:http server', () => {
  it('reads the raw body from the stream, verifies, and answers 200 after onEvent', async () => {
    const onEvent = vi.fn();
    const handler = createNodeWebhookHandler({ secret: SECRET, onEvent });
    const url = await serve((req, res) => void handler(req, res));
    const response = await post(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ received: true });
    expect(onEvent).toHaveBeenCalledWith(samples['case.status.changed']);
  });

  it.each(['raw', 'text'] as const)('uses req.body when an Express %s parser already read the body', async (kind) => {
    const onEvent = vi.fn();
    const handler = createNodeWebhookHandler({ secret: SECRET, onEvent });
    const url = await serve(likeExpressParser(kind, (req, res) => void handler(req, res)));
    expect((await post(url)).status).toBe(200);
    expect(onEvent).toHaveBeenCalledTimes(1);
  });

  it('answers 500 with a fix when express.json() already parsed the body (the signed bytes are gone)', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const onEvent = vi.fn();
    const handler = createNodeWebhookHandler({ secret: SECRET, onEvent });
    const url = await serve(likeExpressParser('json', (req, res) => void handler(req, res)));
    const response = await post(url);
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: string; message: string };
    expect(body.error).toBe('invalid_body');
    expect(body.message).toMatch(/express\.raw\(\{ type: "application\/json" \}\)/);
    expect(onEvent).not.toHaveBeenCalled();
  });

  it('answers 500 at once, instead of hanging, when middleware consumed the body without keeping it', async () => {
    const onEvent = vi.fn();
    const handler = createNodeWebhookHandler({ secret: SECRET, onEvent });
    // Like Koa's bodyparser: reads the stream to its end, keeps the result somewhere other than req.body.
    const url = await serve((req, res) => {
      req.resume();
      req.on('end', () => void handler(req, res));
    });
    const response = await post(url);
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: 'invalid_body' });
    expect(onEvent).not.toHaveBeenCalled();
  });

  it('answers 400 for a bad signature, 405 for GET, and acknowledges a redelivery', async () => {
    const onEvent = vi.fn();
    const handler = createNodeWebhookHandler({ secret: SECRET, onEvent });
    const url = await serve((req, res) => void handler(req, res));
    const bad = await post(url, undefined, `sha256=${'0'.repeat(64)}`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'signature_mismatch' });
    const get = await fetch(url);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await post(url)).status).toBe(200);
    expect(await (await post(url)).json()).toEqual({ received: true, duplicate: true });
    expect(onEvent).toHaveBeenCalledTimes(1);
  });

  it('answers 500 when onEvent throws, so FML retries', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const handler = createNodeWebhookHandler({ secret: SECRET, onEvent: () => Promise.reject(new Error('nope')) });
    const url = await serve((req, res) => void handler(req, res));
    const response = await post(url);
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: 'handler_failed' });
  });

  it('answers 413 to a 10 MB chunked upload and stops reading it', async () => {
    const onEvent = vi.fn();
    const handler = createNodeWebhookHandler({ secret: SECRET, onEvent });
    let socketBytesRead = 0;
    const url = await serve((req, res) => {
      req.socket.once('close', () => (socketBytesRead = req.socket.bytesRead));
      void handler(req, res);
    });
    const total = 10 * 1024 * 1024;
    const result = await new Promise<{ status: number; body: string; sent: number }>((resolve, reject) => {
      const req = http.request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-fml-signature': `sha256=${'0'.repeat(64)}` },
      });
      let sent = 0;
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, sent }));
      });
      req.on('error', (error) => (sent > 0 ? undefined : reject(error))); // the server hanging up mid-upload is the point
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const write = (): void => {
        while (sent < total) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', write);
        }
        req.end();
      };
      write();
    });
    expect(result.status).toBe(413);
    expect(JSON.parse(result.body)).toMatchObject({ error: 'body_too_large' });
    await vi.waitFor(() => expect(socketBytesRead).toBeGreaterThan(0));
    expect(socketBytesRead).toBeLessThan(total / 2);
    expect(onEvent).not.toHaveBeenCalled();
  });

  it('answers 413 from a declared Content-Length before reading the body', async () => {
    const handler = createNodeWebhookHandler({ secret: SECRET, onEvent: vi.fn(), maxBodyBytes: 1024 });
    const url = await serve((req, res) => void handler(req, res));
    const { body, signature } = signed({ ...samples['case.created'], padding: 'x'.repeat(2048) });
    const response = await fetch(url, { method: 'POST', headers: { 'x-fml-signature': signature }, body });
    expect(response.status).toBe(413);
  });
});

describe('createNodeWebhookHandler and a slow sender', () => {
  // The senders below never finish their body, so a 408 is the only possible outcome: no race with the clock.
  it.each([
    ['trickles a byte every 20 ms', 20],
    ['sends the headers and then nothing', 0],
  ])('answers 408 body_timeout and closes the connection when the sender %s', async (_label, intervalMs) => {
    const onEvent = vi.fn();
    const errors: unknown[] = [];
    const handler = createNodeWebhookHandler({
      secret: SECRET,
      onEvent,
      bodyTimeoutMs: 300,
      onError: (_e, context) => errors.push(context),
    });
    const url = await serve((req, res) => void handler(req, res));
    const result = await slowSend(url, { intervalMs, headers: { 'x-fml-signature': `sha256=${'0'.repeat(64)}` } });
    expect(result.status).toBe(408);
    expect(JSON.parse(result.body)).toMatchObject({
      error: 'body_timeout',
      message: expect.stringContaining('300 ms'),
    });
    expect(errors).toEqual([expect.objectContaining({ status: 408, reason: 'body_timeout' })]);
    expect(onEvent).not.toHaveBeenCalled();
  });

  it('refuses a bodyTimeoutMs out of range', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, '30000']) {
      expect(() => createNodeWebhookHandler({ secret: SECRET, onEvent: vi.fn(), bodyTimeoutMs: bad as never })).toThrow(
        /bodyTimeoutMs must be a positive number/,
      );
    }
  });
});

describe('readRawBody time limit', () => {
  /** A request stream that delivers nothing until told: the input, not our code, is what is faked. */
  function silentStream() {
    const listeners = new Map<string, Array<(...args: never[]) => void>>();
    return {
      headers: {},
      on(event: string, listener: (...args: never[]) => void) {
        listeners.set(event, [...(listeners.get(event) ?? []), listener]);
        return this;
      },
      removeListener(event: string, listener: (...args: never[]) => void) {
        listeners.set(
          event,
          (listeners.get(event) ?? []).filter((l) => l !== listener),
        );
        return this;
      },
      pause() {
        return this;
      },
      listenerCount: (event: string) => listeners.get(event)?.length ?? 0,
    };
  }

  it('gives up after 30 s by default (fake clock), and lets go of the stream', async () => {
    vi.useFakeTimers();
    try {
      const stream = silentStream();
      let outcome: unknown;
      readRawBody(stream).then(
        () => (outcome = 'resolved'),
        (error: unknown) => (outcome = error),
      );
      await vi.advanceTimersByTimeAsync(29_999);
      expect(outcome).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      expect(outcome).toMatchObject({ reason: 'body_timeout', message: expect.stringContaining('30000 ms') });
      expect(['data', 'end', 'error', 'close'].map(stream.listenerCount)).toEqual([0, 0, 0, 0]);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('readRawBody', () => {
  async function echoServer(limit: number): Promise<string> {
    return serve((req, res) => {
      readRawBody(req, { limit }).then(
        (bytes) => res.end(JSON.stringify({ text: Buffer.from(bytes).toString('utf8') })),
        (error: { reason?: string }) => {
          res.setHeader('connection', 'close');
          res.end(JSON.stringify({ reason: error.reason }));
        },
      );
    });
  }

  /** A chunked upload (no Content-Length), so the limit is enforced while streaming. */
  function chunked(url: string, parts: string[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const req = http.request(url, { method: 'POST' }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(JSON.parse(body)));
      });
      req.on('error', reject);
      for (const part of parts) req.write(part);
      req.end();
    });
  }

  it('returns the exact bytes sent, across chunks', async () => {
    const url = await echoServer(64);
    expect(await chunked(url, ['héllo ', 'wörld'])).toEqual({ text: 'héllo wörld' });
  });

  it('rejects with body_too_large once a streamed body passes the limit', async () => {
    const url = await echoServer(16);
    expect(await chunked(url, ['0123456789', '0123456789'])).toEqual({ reason: 'body_too_large' });
  });

  it('rejects at once when Content-Length is over the limit', async () => {
    const url = await echoServer(16);
    const response = await fetch(url, { method: 'POST', body: 'x'.repeat(64) });
    expect(await response.json()).toEqual({ reason: 'body_too_large' });
  });
});

describe('senders that hang up', () => {
  it('rejects at once when the request was destroyed before reading began, instead of hanging', async () => {
    const { PassThrough } = await import('node:stream');
    const req = Object.assign(new PassThrough(), { headers: {} });
    req.destroy();
    await expect(readRawBody(req)).rejects.toMatchObject({ code: 'connection_error' });
  });

  it('settles the handler when the response socket is gone and end() never calls back', async () => {
    const handler = createNodeWebhookHandler({ secret: SECRET, onEvent: () => {} });
    const s = signed(samples['case.status.changed']);
    const { PassThrough } = await import('node:stream');
    const req = Object.assign(new PassThrough(), { method: 'POST', headers: { 'x-fml-signature': s.signature } });
    req.end(s.body);
    const listeners: (() => void)[] = [];
    const res = {
      statusCode: 0,
      setHeader: () => undefined,
      end: () => {
        for (const l of listeners) l();
      },
      once: (_: 'close', l: () => void) => void listeners.push(l),
    };
    // `end` here never calls its callback (as on a destroyed socket); only `close` fires.
    await expect(handler(req, res)).resolves.toBeUndefined();
    expect(res.statusCode).toBe(200);
  });
});
