// The Express mount docs/webhooks.md documents, on real Express 4 and 5: the SDK's JSON answers come back
// (2xx, 400, 405, 413 `body_too_large`), never Express's HTML error pages.
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createNodeWebhookHandler } from '../../src/webhooks';
import { SECRET, samples, signed } from './fixtures';

type Handler = (req: unknown, res: unknown, next: (error?: unknown) => void) => void;
interface ExpressApp {
  use(handler: Handler): void;
  all(path: string, handler: Handler): void;
  listen(port: number, host: string, ready: () => void): Server;
}
type Express = (() => ExpressApp) & { json(): Handler };

const require = createRequire(import.meta.url);
const versions: Record<string, Express> = {
  'Express 4': require('express4') as Express,
  'Express 5': require('express5') as Express,
};
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe.each(Object.entries(versions))('the docs/webhooks.md mount on %s', (_name, express) => {
  async function start(onEvent: (event: unknown) => void): Promise<string> {
    const app = express();
    // As docs/webhooks.md shows: the handler on its own route, before any global body parser, for every method.
    app.all('/webhooks/fml', createNodeWebhookHandler({ secret: SECRET, maxBodyBytes: 4096, onEvent }) as Handler);
    app.use(express.json());
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/fml`;
  }

  it('answers a signed delivery 200 after onEvent, and a tampered one 400 in JSON', async () => {
    const onEvent = vi.fn();
    const url = await start(onEvent);
    const delivery = signed(samples['case.status.changed']);
    const headers = { 'content-type': 'application/json', 'x-fml-signature': delivery.signature };
    const ok = await fetch(url, { method: 'POST', headers, body: delivery.body });
    expect([ok.status, await ok.json()]).toEqual([200, { received: true }]);
    expect(onEvent).toHaveBeenCalledWith(samples['case.status.changed']);

    const tampered = await fetch(url, { method: 'POST', headers, body: delivery.body.replace('approved', 'declined') });
    expect(tampered.status).toBe(400);
    expect(tampered.headers.get('content-type')).toBe('application/json');
    expect(onEvent).toHaveBeenCalledTimes(1);
  });

  it('answers an oversized body 413 body_too_large in JSON', async () => {
    const onEvent = vi.fn();
    const url = await start(onEvent);
    const body = JSON.stringify({ ...samples['case.status.changed'], padding: 'x'.repeat(10_000) });
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-fml-signature': signed(JSON.parse(body)).signature },
      body,
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toMatchObject({ error: 'body_too_large' });
    expect(onEvent).not.toHaveBeenCalled();
  });

  it('answers GET 405 method_not_allowed in JSON, with Allow: POST', async () => {
    const url = await start(vi.fn());
    const response = await fetch(url);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(await response.json()).toMatchObject({ error: 'method_not_allowed' });
  });
});
