// The examples under examples/ run as documented: each is started here and sent real deliveries.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { receiver } from '../../examples/webhooks-fetch';
import { createReceiver } from '../../examples/webhooks-node-http';
import { redisDedupeStore } from '../../examples/webhooks-redis-dedupe';
import { createEventDeduper, createWebhookHandler } from '../../src/webhooks';
import { SECRET, samples, signed } from './fixtures';

const request = (payload: unknown, secret = SECRET) => {
  const { body, signature } = signed(payload, secret);
  return new Request('http://localhost/webhooks/fml', {
    method: 'POST',
    headers: { 'x-fml-signature': signature },
    body,
  });
};

describe('examples/webhooks-node-http.ts', () => {
  it('logs each verified event and rejects others', async () => {
    const lines: string[] = [];
    const server = createReceiver(SECRET, (line) => lines.push(line));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const { body, signature } = signed(samples['case.status.changed']);
      const ok = await fetch(`${base}/webhooks/fml`, {
        method: 'POST',
        headers: { 'x-fml-signature': signature },
        body,
      });
      expect(ok.status).toBe(200);
      expect(lines).toEqual(['case CS-2026-00471 (CRM record 12345678901) moved in-progress → approved']);
      const forged = await fetch(`${base}/webhooks/fml`, {
        method: 'POST',
        headers: { 'x-fml-signature': signature },
        body: body.replace('approved', 'declined'),
      });
      expect(forged.status).toBe(400);
      expect((await fetch(`${base}/elsewhere`)).status).toBe(404);
      expect(lines).toHaveLength(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('examples/webhooks-fetch.ts', () => {
  it('updates the CRM record from a status change, once', async () => {
    const crm = new Map<string, string>();
    const handle = receiver(SECRET, crm);
    expect((await handle(request(samples['case.status.changed']))).status).toBe(200);
    expect(crm.get('12345678901')).toBe('approved');
    const redelivered = await handle(request({ ...samples['case.status.changed'], status: 'declined' }));
    expect(await redelivered.json()).toEqual({ received: true, duplicate: true });
    expect(crm.get('12345678901')).toBe('approved');
  });
});

const hasRedis = (() => {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasRedis)('examples/webhooks-redis-dedupe.ts against a real redis-server', () => {
  let dir: string;
  let server: ChildProcess;
  let redis: ReturnType<typeof createClient>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fml-redis-'));
    const socket = join(dir, 'redis.sock');
    server = spawn('redis-server', ['--port', '0', '--unixsocket', socket, '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    redis = createClient({ socket: { path: socket, reconnectStrategy: false } });
    await vi.waitFor(() => redis.connect(), { timeout: 10_000, interval: 100 });
  });
  afterAll(async () => {
    await redis?.quit().catch(() => undefined);
    server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets two receivers share de-duplication: one processes, the other waits its turn then acknowledges', async () => {
    const store = redisDedupeStore(redis, `test:${Date.now()}:`);
    let release!: () => void;
    const processed: string[] = [];
    const slow = createWebhookHandler({
      secret: SECRET,
      dedupe: createEventDeduper({ store }),
      onEvent: async (event) => {
        await new Promise<void>((r) => (release = r));
        processed.push(`A ${event.eventId}`);
      },
    });
    const other = createWebhookHandler({
      secret: SECRET,
      dedupe: createEventDeduper({ store }),
      onEvent: (event) => void processed.push(`B ${event.eventId}`),
    });

    const first = slow(request(samples['case.created']));
    await vi.waitFor(() => expect(release).toBeTypeOf('function'));
    const meanwhile = await other(request(samples['case.created']));
    expect(meanwhile.status).toBe(409);
    release();
    expect((await first).status).toBe(200);
    expect(await (await other(request(samples['case.created']))).json()).toEqual({ received: true, duplicate: true });
    expect(processed).toEqual([`A ${samples['case.created'].eventId}`]);
  });

  it('releases the claim when onEvent throws, so the retry is processed', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const store = redisDedupeStore(redis, `test:${Date.now()}:`);
    let attempts = 0;
    const handler = createWebhookHandler({
      secret: SECRET,
      dedupe: createEventDeduper({ store }),
      onEvent: () => {
        if (++attempts === 1) throw new Error('CRM down');
      },
    });
    expect((await handler(request(samples['case.submitted']))).status).toBe(500);
    expect((await handler(request(samples['case.submitted']))).status).toBe(200);
    expect((await handler(request(samples['case.submitted']))).status).toBe(200);
    expect(attempts).toBe(2);
  });
});
