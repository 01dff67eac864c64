import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterEach, describe, expect, it } from 'vitest';
import {
  RedisStoreError,
  RedisTokenStore,
  createRedisEventDeduper,
  redisTokenStoreFromUrl,
} from '../../src/redis/index';
import { loadRedisPackage } from '../../src/redis/from-url';
import { createCircuitBreaker } from '../../src/redis/time-limit';
import { type WebhookErrorContext, createNodeWebhookHandler } from '../../src/webhooks/index';
import { signWebhookBody } from '../../src/webhooks/sign';
import { type RedisServer, type SilentServer, startRedisServer, startSilentServer } from '../helpers/redis-server';

// Every Redis call the stores make has a time limit and a circuit breaker (src/redis/time-limit.ts).
// Faults come from the network: a TCP server that accepts and never answers, a Redis stopped mid-delivery,
// a Redis with another password. Budgets given to real Redis are generous (a busy 2-core CI machine).

const SECRET = 'whsec_time_limits_secret';
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

/**
 * An ioredis client connected to a silent server: the socket connects, no command is ever answered.
 * (No ready check or client info: ioredis would wait for those answers forever, as node-redis does for its handshake.)
 */
async function silentClient(): Promise<{ silent: SilentServer; client: Redis }> {
  const silent = await startSilentServer();
  cleanups.push(() => silent.close());
  const client = new Redis({
    host: '127.0.0.1',
    port: silent.port,
    lazyConnect: true,
    enableReadyCheck: false,
    disableClientInfo: true,
    maxRetriesPerRequest: null,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  await client.connect();
  cleanups.push(async () => client.disconnect());
  return { silent, client };
}

/** A `node:http` server with the Node webhook receiver, and a function that delivers one signed event. */
async function receiver(options: Omit<Parameters<typeof createNodeWebhookHandler>[0], 'secret'>) {
  const handler = createNodeWebhookHandler({ secret: SECRET, ...options });
  const server: Server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  cleanups.push(() => new Promise((done) => server.close(done)));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return async (eventId: string) => {
    const body = JSON.stringify({
      event: 'case.submitted',
      eventId,
      eventVersion: 1,
      timestamp: new Date().toISOString(),
      orgId: 'org',
      caseId: 'c1',
    });
    const res = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-fml-signature': signWebhookBody(body, SECRET) },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
}

describe('a Redis that accepts connections and never answers, behind the webhook receiver', () => {
  it('answers 503 once the time limit passes, then at once while the breaker is open, never running onEvent', async () => {
    const { silent, client } = await silentClient();
    const errors: Array<[unknown, WebhookErrorContext]> = [];
    let handled = 0;
    const deliver = await receiver({
      onEvent: () => void handled++,
      dedupe: createRedisEventDeduper(client, { commandTimeoutMs: 200, breakerPauseMs: 60_000 }),
      onError: (error, context) => errors.push([error, context]),
    });
    expect(await deliver('evt-hung-1')).toMatchObject({ status: 503, body: { error: 'dedupe_store_failed' } });
    const sent = silent.bytesReceived();
    expect(sent).toBeGreaterThan(0);
    for (const id of ['evt-hung-2', 'evt-hung-3', 'evt-hung-1']) expect((await deliver(id)).status).toBe(503);
    expect(handled).toBe(0);
    // The breaker kept the later deliveries from sending anything to the hung Redis (or waiting on it).
    expect(silent.bytesReceived()).toBe(sent);
    const reasons = errors.map(([e]) => (e as RedisStoreError).reason);
    expect(reasons).toEqual(['timeout', 'circuit_open', 'circuit_open', 'circuit_open']);
    expect(
      errors.every(([e, c]) => e instanceof RedisStoreError && c.status === 503 && c.reason === 'dedupe_store_failed'),
    ).toBe(true);
  });

  it('has a default limit of 1 s (docs/scale.md promises 503 within 2 s)', async () => {
    const { client } = await silentClient();
    const errors: unknown[] = [];
    const deliver = await receiver({
      onEvent: () => undefined,
      dedupe: createRedisEventDeduper(client),
      onError: (e) => errors.push(e),
    });
    expect((await deliver('evt-default')).status).toBe(503);
    expect(errors[0]).toBeInstanceOf(RedisStoreError);
    expect((errors[0] as RedisStoreError).message).toMatch(/did not answer within 1000 ms/);
  });

  it('rejects a time limit or pause out of range with FmlConfigError', async () => {
    const { client } = await silentClient();
    for (const bad of [
      { commandTimeoutMs: 0 },
      { commandTimeoutMs: Number.NaN },
      { commandTimeoutMs: Number.POSITIVE_INFINITY },
      { breakerPauseMs: -1 },
      { commandTimeoutMs: 2 ** 31 },
    ]) {
      expect(() => createRedisEventDeduper(client, bad)).toThrow(/commandTimeoutMs|breakerPauseMs/);
      expect(() => new RedisTokenStore(client, bad)).toThrow(/commandTimeoutMs|breakerPauseMs/);
    }
  });
});

describe('RedisTokenStore on a client whose Redis never answers', () => {
  it('falls back within the time limit (fallbackToLocal), or rejects with reason timeout', async () => {
    const { client } = await silentClient();
    const fallback = new RedisTokenStore(client, { fallbackToLocal: true, commandTimeoutMs: 200 });
    const token = { accessToken: 'eyJ.hung.sig', issuedAt: Date.now(), expiresAt: Date.now() + 3_600_000 };
    expect(await fallback.acquire('k', async () => token)).toEqual(token);
    expect(await fallback.get('k')).toEqual(token);

    const strict = new RedisTokenStore(client, { commandTimeoutMs: 200 });
    await expect(strict.get('k')).rejects.toMatchObject({ code: 'redis_error', reason: 'timeout' });
    await expect(strict.get('k')).rejects.toMatchObject({ reason: 'circuit_open' });
  });
});

describe('createCircuitBreaker', () => {
  it('opens on failure for the pause, lets one probe through after it, and closes on success', () => {
    let now = 1_000;
    const breaker = createCircuitBreaker(5_000, () => now);
    breaker.enter();
    breaker.failure();
    expect(() => breaker.enter()).toThrow(/skipped/);
    now += 4_999;
    expect(() => breaker.enter()).toThrow(/skipped/);
    now += 1;
    breaker.enter(); // the probe
    expect(() => breaker.enter()).toThrow(/skipped/); // the others wait for it
    breaker.failure();
    now += 4_000;
    expect(() => breaker.enter()).toThrow(/skipped/);
    now += 1_000;
    breaker.enter();
    breaker.success();
    breaker.enter();
    breaker.enter();
  });
});

describe('redisTokenStoreFromUrl time limits', () => {
  let server: RedisServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('does not charge a slow cold load of the `redis` package to the first command', async () => {
    server = await startRedisServer();
    // The package takes longer to load than the whole default budget of the old code (1.2 s).
    const slowLoad = async () => {
      await new Promise((r) => setTimeout(r, 1_500));
      return loadRedisPackage();
    };
    const errors: RedisStoreError[] = [];
    const store = redisTokenStoreFromUrl(server.url, {
      loadRedis: slowLoad,
      connectTimeoutMs: 10_000,
      commandTimeoutMs: 5_000,
      onError: (e) => errors.push(e),
    });
    cleanups.push(() => store.close());
    const token = { accessToken: 'eyJ.cold.sig', issuedAt: Date.now(), expiresAt: Date.now() + 3_600_000 };
    await store.set('k', token);
    expect(errors).toEqual([]);
    // Stored in Redis itself, not only in the local fallback: a second store reads it.
    const other = redisTokenStoreFromUrl(server.url, {
      fallbackToLocal: false,
      connectTimeoutMs: 10_000,
      commandTimeoutMs: 10_000,
    });
    cleanups.push(() => other.close());
    expect(await other.get('k')).toEqual(token);
  });

  it('reports a wrong password as an authentication failure, not as "unreachable", without the password', async () => {
    server = await startRedisServer({ password: 'the-right-one-91c' });
    const store = redisTokenStoreFromUrl(`redis://:wrong-pass-5521@127.0.0.1:${server.port}`, {
      fallbackToLocal: false,
      connectTimeoutMs: 10_000,
    });
    cleanups.push(() => store.close());
    const error = (await store.get('k').catch((e: unknown) => e)) as RedisStoreError;
    expect(error).toBeInstanceOf(RedisStoreError);
    expect(error.reason).toBe('auth');
    expect(error.message).toMatch(/authentication failed/);
    expect(error.message).not.toMatch(/unreachable/i);
    expect(`${error.message} ${error.stack} ${JSON.stringify(error)}`).not.toContain('wrong-pass-5521');
  });
});

describe('a Redis stopped between onEvent and recording the event as done', () => {
  let server: RedisServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('answers 200, then answers redeliveries 2xx without running onEvent again, and records "done" once Redis is back', async () => {
    server = await startRedisServer();
    const { port } = server;
    // A client that keeps reconnecting, as a production one does.
    const client = createClient({
      url: server.url,
      disableOfflineQueue: true,
      socket: { reconnectStrategy: () => 50 },
    });
    client.on('error', () => undefined);
    await client.connect();
    cleanups.push(async () => client.disconnect());
    const contexts: WebhookErrorContext[] = [];
    let handled = 0;
    const deliver = await receiver({
      onEvent: async () => {
        handled++;
        await server!.stop(); // the claim was taken; the done-write will find Redis gone
      },
      dedupe: createRedisEventDeduper(client, { prefix: 'md:', commandTimeoutMs: 10_000, breakerPauseMs: 0 }),
      onError: (_, context) => contexts.push(context),
    });

    expect(await deliver('evt-md')).toEqual({ status: 200, body: { received: true } });
    expect(contexts).toEqual([
      expect.objectContaining({ status: 200, reason: 'dedupe_store_failed', eventId: 'evt-md' }),
    ]);
    // Redis still down: the redelivery is answered from this process's memory of the event.
    expect(await deliver('evt-md')).toEqual({ status: 200, body: { received: true, duplicate: true } });
    expect(handled).toBe(1);

    server = await startRedisServer({ port });
    await expect.poll(() => client.isReady, { timeout: 15_000 }).toBe(true);
    expect(await deliver('evt-md')).toEqual({ status: 200, body: { received: true, duplicate: true } });
    expect(handled).toBe(1);
    // Recorded in Redis, so every other replica now knows it too.
    expect(await client.sendCommand(['GET', 'md:evt-md'])).toBe('done');
  });
});
