import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { signWebhookBody } from '../../src/webhooks/sign';
import { type RedisServer, startRedisServer } from '../helpers/redis-server';
import {
  type BundledWorkers,
  type Worker,
  bundleWorkers,
  postWebhook,
  runPool,
  startWorker,
  stopAll,
} from './processes';
import { nodeRedis } from './redis-clients';

const PROCESSES = 8;
const CREATES_PER_PROCESS = 100;

let redis: RedisServer;
let bundles: BundledWorkers;
const workers: Worker[] = [];

beforeAll(async () => {
  [redis, bundles] = await Promise.all([startRedisServer(), bundleWorkers(['token-worker', 'webhook-worker'])]);
}, 60_000);
afterAll(async () => {
  agent.destroy();
  await stopAll(workers);
  await Promise.all([redis?.stop(), bundles?.cleanup()]);
});

describe('8 processes sharing Redis', () => {
  let sb: Sandbox;
  let tokenRequests = 0;
  let mints = 0;
  beforeAll(async () => {
    // The API rate limit is off: 800 creates in a second would (rightly) be throttled at 120/minute,
    // and this test is about the token endpoint, whose limit (30/minute) stays on.
    sb = await startSandbox({
      rateLimit: false,
      onRequest: (e) => {
        if (e.path !== '/v1/oauth/token') return;
        tokenRequests++;
        if (e.status === 200) mints++;
      },
    });
  });
  afterAll(async () => {
    await sb?.close();
  });

  const launch = (prefix: string, kind: 'redis' | 'ioredis', worker: number) =>
    startWorker(bundles.path('token-worker'), {
      sandboxUrl: sb.url,
      clientId: sb.clientId,
      clientSecret: sb.clientSecret,
      redisUrl: redis.url,
      kind,
      worker,
      count: CREATES_PER_PROCESS,
      prefix,
      lockTtlMs: 1000,
      // Not a test of time limits: 800 creates at once on a busy CI machine.
      commandTimeoutMs: 15_000,
    });

  it(`mint one token in total for ${PROCESSES} × ${CREATES_PER_PROCESS} concurrent creates from a cold cache`, async () => {
    const fleet = Array.from({ length: PROCESSES }, (_, i) => launch('cold:', i % 2 ? 'ioredis' : 'redis', i));
    workers.push(...fleet);
    await Promise.all(fleet.map((w) => w.next('ready')));
    const before = { tokenRequests, mints, cases: sb.cases.length };
    for (const w of fleet) w.child.send({ type: 'go' });
    const reports = await Promise.all(
      fleet.map((w) =>
        w.next<{ ok: number; caseIds: string[]; failures: unknown[]; warnings: string[] }>('done', 60_000),
      ),
    );
    // Node's own warnings in any worker (a listener leak, ...) fail the run.
    expect(reports.flatMap((r) => r.warnings)).toEqual([]);

    expect(reports.flatMap((r) => r.failures)).toEqual([]);
    expect(reports.reduce((n, r) => n + r.ok, 0)).toBe(PROCESSES * CREATES_PER_PROCESS);
    expect(mints - before.mints).toBe(1);
    expect(tokenRequests - before.tokenRequests).toBe(1);
    const ids = reports.flatMap((r) => r.caseIds);
    expect(new Set(ids).size).toBe(PROCESSES * CREATES_PER_PROCESS);
    expect(sb.cases.length - before.cases).toBe(PROCESSES * CREATES_PER_PROCESS);
    await Promise.all(fleet.map((w) => w.exited));
  }, 60_000);

  it('survives a process killed while holding the mint lock: its lock lapses and one other process mints', async () => {
    // The doomed process's token request hangs (the sandbox delays it), so it dies holding the lock.
    const hang = sb.faults.delay(60_000, { path: '/v1/oauth/token', times: 1 });
    const doomed = launch('dead-holder:', 'redis', 99);
    workers.push(doomed);
    await doomed.next('ready');
    const probe = await nodeRedis.connect(redis.url);
    try {
      doomed.child.send({ type: 'go' });
      // Wait until it holds the lock and its token request hangs in the sandbox, then kill it without a
      // chance to clean up.
      const lockKey = async () => ((await probe.raw(['KEYS', 'dead-holder:*:lock'])) as string[])[0];
      const hanging = () => !sb.faults.list().some((f) => f.id === hang.id);
      for (let i = 0; i < 500 && !(hanging() && (await lockKey())); i++) await new Promise((r) => setTimeout(r, 10));
      expect(hanging()).toBe(true);
      expect(await lockKey()).toBeDefined();
      doomed.child.kill('SIGKILL');
      await doomed.exited;

      const before = mints;
      const fleet = Array.from({ length: 4 }, (_, i) => launch('dead-holder:', i % 2 ? 'ioredis' : 'redis', 100 + i));
      workers.push(...fleet);
      await Promise.all(fleet.map((w) => w.next('ready')));
      for (const w of fleet) w.child.send({ type: 'go' });
      const reports = await Promise.all(
        fleet.map((w) => w.next<{ ok: number; failures: unknown[]; warnings: string[] }>('done', 60_000)),
      );
      // Node's own warnings in any worker (a listener leak, ...) fail the run.
      expect(reports.flatMap((r) => r.warnings)).toEqual([]);
      expect(reports.flatMap((r) => r.failures)).toEqual([]);
      expect(reports.reduce((n, r) => n + r.ok, 0)).toBe(4 * CREATES_PER_PROCESS);
      expect(mints - before).toBe(1);
    } finally {
      await probe.close();
    }
  }, 60_000);

  it(`apply each of 1,000 events once when ${PROCESSES} receivers all get every delivery`, async () => {
    const secret = 'whsec_multi_process_test';
    const fleet = Array.from({ length: PROCESSES }, (_, i) =>
      startWorker(bundles.path('webhook-worker'), {
        redisUrl: redis.url,
        kind: i % 2 ? 'ioredis' : 'redis',
        worker: i,
        secret,
        prefix: 'mp-hooks:',
      }),
    );
    workers.push(...fleet);
    const ports = (await Promise.all(fleet.map((w) => w.next<{ port: number }>('ready')))).map((m) => m.port);

    const events = Array.from({ length: 1000 }, (_, i) => {
      const body = JSON.stringify({
        event: 'case.status.changed',
        eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        eventVersion: 1,
        timestamp: new Date().toISOString(),
        orgId: 'org_mp',
        caseId: `CS-${i}`,
        status: 'approved',
        previousStatus: 'in-progress',
      });
      return { body, signature: signWebhookBody(body, secret) };
    });
    const statuses = new Map<number, number>();
    // Deliver like FML: POST, and retry anything not 2xx (409 = another replica is on it right now).
    const deliver = async (port: number, e: (typeof events)[number]) => {
      for (let attempt = 0; ; attempt++) {
        // A kept-alive socket the receiver just closed counts as a failed attempt, as it would for FML.
        const status = await post(port, e.body, {
          'content-type': 'application/json',
          'x-fml-signature': e.signature,
        }).catch(() => 0);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status === 200 || attempt >= 50) return status;
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const jobs = events.flatMap((e) => ports.map((port) => () => deliver(port, e)));
    const finals = await runPool(jobs, 64);
    expect(finals.every((s) => s === 200)).toBe(true);

    for (const w of fleet) w.child.send({ type: 'stop' });
    const reports = await Promise.all(fleet.map((w) => w.next<{ handled: number; warnings: string[] }>('report')));
    // Node's own warnings in any worker (a listener leak, ...) fail the run.
    expect(reports.flatMap((r) => r.warnings)).toEqual([]);
    expect(reports.reduce((n, r) => n + r.handled, 0)).toBe(1000);
    const probe = await nodeRedis.connect(redis.url);
    try {
      const keys = (await probe.raw(['KEYS', 'mp-hooks:applied:*'])) as string[];
      expect(keys).toHaveLength(1000);
      const counts = (await probe.raw(['MGET', ...keys])) as string[];
      expect(counts.every((c) => c === '1')).toBe(true);
    } finally {
      await probe.close();
    }
    // 8,000 deliveries in all: one processed per event, the rest answered as duplicates.
    expect(statuses.get(200)).toBe(8000);
  }, 120_000);
});

const agent = new Agent({ keepAlive: true, maxSockets: 16 });
const post = (port: number, body: string, headers: Record<string, string>) => postWebhook(agent, port, body, headers);
