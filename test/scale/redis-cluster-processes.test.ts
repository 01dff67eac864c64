import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FmlClient } from '../../src/client';
import { RateLimitError } from '../../src/errors';
import { keySlot } from '../../src/redis/cluster';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { signWebhookBody } from '../../src/webhooks/sign';
import { busiestWindow } from '../helpers/busiest-window';
import { type RedisCluster, startRedisCluster } from '../helpers/redis-cluster';
import {
  type BundledWorkers,
  type Worker,
  bundleWorkers,
  postWebhook,
  runPool,
  startWorker,
  stopAll,
} from './processes';
import type { AttemptFailure } from './workers/token-worker';

// The multi-process checks of multi-process.test.ts, on a real Redis Cluster (3 masters + 3 replicas on
// loopback), every process on its own cluster connection — node-redis createCluster, ioredis Cluster, or
// a redis+cluster:// URL (redisTokenStoreFromUrl) in turn — then the same runs while a master dies.
// Nothing here waits on a fixed sleep: every step polls for the condition it needs, with generous bounds.

const PROCESSES = 8;
const CREATES_PER_PROCESS = 100;
const PASSWORD = 'cluster-fleet-pw-3b9d';
/** The token store's command time limit where the run is not about time limits (800 creates at once, a busy CI machine). */
const ROOMY_MS = 15_000;
const TOKEN_KINDS = ['redis-cluster', 'ioredis-cluster', 'url'] as const;
/** The cluster clients of both libraries (no URL: the receivers and the limiter take a client). */
const CLUSTER_CLIENT_KINDS = ['redis-cluster', 'ioredis-cluster'] as const;

let cluster: RedisCluster;
let sb: Sandbox;
let bundles: BundledWorkers;
let mints = 0;
let url: string;
const workers: Worker[] = [];
const agent = new Agent({ keepAlive: true, maxSockets: 32 });

beforeAll(async () => {
  [cluster, sb, bundles] = await Promise.all([
    startRedisCluster({ password: PASSWORD }),
    // The API rate limit is off (800 creates in seconds); the token endpoint's 30/minute stays on.
    startSandbox({
      rateLimit: false,
      onRequest: (e) => void (e.path === '/v1/oauth/token' && e.status === 200 && mints++),
    }),
    bundleWorkers(['token-worker', 'webhook-worker']),
  ]);
  url = `redis+cluster://:${PASSWORD}@${cluster.nodes.map((n) => `127.0.0.1:${n.port}`).join(',')}`;
}, 90_000);
afterAll(async () => {
  agent.destroy();
  await stopAll(workers);
  await Promise.all([cluster?.stop(), sb?.close(), bundles?.cleanup()]);
});

const tokenWorker = (worker: number, config: Record<string, unknown>) => {
  const w = startWorker(bundles.path('token-worker'), {
    sandboxUrl: sb.url,
    clientId: sb.clientId,
    clientSecret: sb.clientSecret,
    redisUrl: url,
    kind: TOKEN_KINDS[worker % 3],
    worker,
    count: CREATES_PER_PROCESS,
    lockTtlMs: 1000,
    ...config,
  });
  workers.push(w);
  return w;
};
const hookWorker = (worker: number, config: Record<string, unknown>) => {
  const w = startWorker(bundles.path('webhook-worker'), {
    redisUrl: url,
    kind: CLUSTER_CLIENT_KINDS[worker % 2],
    worker,
    secret: SECRET,
    ...config,
  });
  workers.push(w);
  return w;
};

const SECRET = 'whsec_cluster_fleet_test';
function signedEvents(count: number, tag: string) {
  return Array.from({ length: count }, (_, i) => {
    const eventId = `00000000-0000-4000-8${tag}-${String(i).padStart(12, '0')}`;
    const body = JSON.stringify({
      event: 'case.status.changed',
      eventId,
      eventVersion: 1,
      timestamp: new Date().toISOString(),
      orgId: 'org_cluster',
      caseId: `CS-${i}`,
      status: 'approved',
      previousStatus: 'in-progress',
    });
    return { eventId, body, signature: signWebhookBody(body, SECRET) };
  });
}

/** Delivers like FML: POST, and again after anything not 200, until 200 (or `giveUpMs`). Records every status and each answer's time. */
function deliverer(giveUpMs: number) {
  const statuses = new Map<number, number>();
  let slowestMs = 0;
  let delivered = 0;
  const deliver = async (port: number, e: { body: string; signature: string }) => {
    const giveUpAt = Date.now() + giveUpMs;
    for (;;) {
      const started = Date.now();
      // A kept-alive socket the receiver just closed counts as a failed attempt (0), as it would for FML.
      const status = await postWebhook(agent, port, e.body, {
        'content-type': 'application/json',
        'x-fml-signature': e.signature,
      }).catch(() => 0);
      slowestMs = Math.max(slowestMs, Date.now() - started);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status === 200) return void delivered++;
      if (Date.now() > giveUpAt) return;
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  return {
    deliver,
    statuses,
    get slowestMs() {
      return slowestMs;
    },
    get delivered() {
      return delivered;
    },
  };
}

/** Polls `check` every 25 ms until it holds; fails the test after `timeoutMs` with `what`. */
async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > giveUpAt) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** How many times each event id was applied, from what the receivers told the parent. */
function appliedCounts(reports: Array<{ handledIds: string[] }>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of reports.flatMap((r) => r.handledIds)) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

describe(`${PROCESSES} processes sharing a Redis Cluster`, () => {
  it(`mint one token in total for ${PROCESSES} × ${CREATES_PER_PROCESS} concurrent creates from a cold cache`, async () => {
    const fleet = Array.from({ length: PROCESSES }, (_, i) =>
      tokenWorker(i, { prefix: 'cf-cold:', commandTimeoutMs: ROOMY_MS }),
    );
    await Promise.all(fleet.map((w) => w.next('ready', 60_000)));
    const before = { mints, cases: sb.cases.length };
    for (const w of fleet) w.child.send({ type: 'go' });
    const reports = await Promise.all(
      fleet.map((w) =>
        w.next<{ ok: number; caseIds: string[]; failures: unknown[]; warnings: string[] }>('done', 120_000),
      ),
    );
    // Node's own warnings in any worker (a listener leak, ...) fail the run.
    expect(reports.flatMap((r) => r.warnings)).toEqual([]);
    expect(reports.flatMap((r) => r.failures)).toEqual([]);
    expect(reports.reduce((n, r) => n + r.ok, 0)).toBe(PROCESSES * CREATES_PER_PROCESS);
    expect(mints - before.mints).toBe(1);
    expect(new Set(reports.flatMap((r) => r.caseIds)).size).toBe(PROCESSES * CREATES_PER_PROCESS);
    expect(sb.cases.length - before.cases).toBe(PROCESSES * CREATES_PER_PROCESS);
    await Promise.all(fleet.map((w) => w.exited));
  }, 180_000);

  it(`apply each of 1,000 events once when ${PROCESSES} receivers all get every delivery`, async () => {
    const fleet = Array.from({ length: PROCESSES }, (_, i) => hookWorker(i, { prefix: 'cf-hooks:' }));
    const ports = (await Promise.all(fleet.map((w) => w.next<{ port: number }>('ready', 60_000)))).map((m) => m.port);
    const events = signedEvents(1000, '000');
    const d = deliverer(60_000);
    await runPool(
      events.flatMap((e) => ports.map((port) => () => d.deliver(port, e))),
      64,
    );
    expect(d.delivered).toBe(8000);
    for (const w of fleet) w.child.send({ type: 'stop' });
    const reports = await Promise.all(fleet.map((w) => w.next<{ handledIds: string[]; warnings: string[] }>('report')));
    // Node's own warnings in any worker (a listener leak, ...) fail the run.
    expect(reports.flatMap((r) => r.warnings)).toEqual([]);
    const counts = appliedCounts(reports);
    expect(counts.size).toBe(1000);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    // The claims really spread over every shard.
    expect(
      new Set(await Promise.all(events.slice(0, 30).map((e) => cluster.masterOf(`cf-hooks:seen:${e.eventId}`)))).size,
    ).toBe(3);
  }, 180_000);

  it(`pace ${PROCESSES} processes under one client id to the sandbox's (scaled) limit: 0 × 429, no duplicate, no window over the limit`, async () => {
    // FML's 120 requests / 60 s, scaled to 50 / 1.5 s: 200 creates need four windows, a few seconds, not minutes.
    const rule = { limit: 50, windowMs: 1500 };
    const perProcess = 25;
    const seen = { api: 0, 429: 0 };
    const paced = await startSandbox({
      rateLimit: { limit: rule.limit, windowSeconds: rule.windowMs / 1000 },
      onRequest: (e) => {
        if (e.path === '/v1/oauth/token') return;
        seen.api++;
        if (e.status === 429) seen[429]++;
      },
    });
    try {
      // Both libraries' cluster clients in one fleet, sharing one limiter log (and one token).
      const fleet = Array.from({ length: PROCESSES }, (_, i) =>
        tokenWorker(i, {
          sandboxUrl: paced.url,
          clientId: paced.clientId,
          clientSecret: paced.clientSecret,
          kind: CLUSTER_CLIENT_KINDS[i % 2],
          prefix: 'cf-paced:',
          count: perProcess,
          pace: rule,
          commandTimeoutMs: ROOMY_MS,
        }),
      );
      await Promise.all(fleet.map((w) => w.next('ready', 60_000)));
      for (const w of fleet) w.child.send({ type: 'go' });
      const reports = await Promise.all(
        fleet.map((w) =>
          w.next<{ ok: number; failures: unknown[]; storeErrors: string[]; warnings: string[] }>('done', 120_000),
        ),
      );
      // Node's own warnings in any worker (a listener leak, ...) fail the run.
      expect(reports.flatMap((r) => r.warnings)).toEqual([]);
      const total = PROCESSES * perProcess;
      expect(reports.flatMap((r) => r.failures)).toEqual([]);
      // A store failure would have sent unpaced: none, so every request below was paced by the cluster's log.
      expect(reports.flatMap((r) => r.storeErrors)).toEqual([]);
      expect(reports.reduce((n, r) => n + r.ok, 0)).toBe(total);
      expect(seen[429]).toBe(0);
      // An attempt that timed out on a busy machine is retried (same key, so no second case): at least one each.
      expect(seen.api).toBeGreaterThanOrEqual(total);
      const crmIds = paced.cases.map((c) => c.crmRecordId);
      expect(crmIds).toHaveLength(total);
      expect(new Set(crmIds).size).toBe(total);
      // No span of one window (as the sandbox saw the creates arrive) holds more than the limit.
      const busiest = busiestWindow(
        paced.cases.map((c) => Date.parse(c.createdAt)),
        rule.windowMs,
      );
      console.log(
        `[cluster paced fleet] ${total} creates by ${PROCESSES} processes, ${seen.api} API requests, ${seen[429]} × 429, busiest ${rule.windowMs} ms window ${busiest} (limit ${rule.limit})`,
      );
      expect(busiest).toBeLessThanOrEqual(rule.limit);
      await Promise.all(fleet.map((w) => w.exited));
      // The control: the sandbox's limit is really on — an unpaced burst past it is refused with 429.
      const burst = new FmlClient({
        clientId: paced.clientId,
        clientSecret: paced.clientSecret,
        baseUrl: paced.url,
        env: {},
        rateLimit: false,
        maxRetries: 0,
      });
      const answers = await Promise.allSettled(
        Array.from({ length: rule.limit + 1 }, () => burst.cases.list({ limit: 1 }).firstPage()),
      );
      expect(answers.some((a) => a.status === 'rejected' && a.reason instanceof RateLimitError)).toBe(true);
    } finally {
      await paced.close();
    }
  }, 180_000);
});

// Last in the file: these kill masters of the shared cluster.
describe('a master dies mid-run (its replica takes over)', () => {
  it('creates: at most one extra mint, only typed errors (none a hang), every case created once', async () => {
    const prefix = 'cf-failover:';
    const tokenKey = `${prefix}fml-token:${sb.url}:${sb.clientId}`;
    const fleet = Array.from({ length: 4 }, (_, i) =>
      tokenWorker(i, { prefix, mode: 'run', count: 10, breakerPauseMs: 200, fallbackToLocal: false }),
    );
    await Promise.all(fleet.map((w) => w.next('ready', 60_000)));
    const before = { mints, cases: sb.cases.length };
    const created = () => sb.cases.length - before.cases;
    for (const w of fleet) w.child.send({ type: 'go' });
    await until(() => created() >= 120, 60_000, '120 creates before the kill');
    const victim = await cluster.masterOf(tokenKey);
    await cluster.kill(victim);
    const killedAt = created();
    const promoted = await cluster.waitUntilServed(tokenKey, 60_000);
    expect(promoted).not.toBe(victim);
    const servedAt = created();
    await until(() => created() >= servedAt + 120, 90_000, '120 creates after the failover');
    for (const w of fleet) w.child.send({ type: 'stop' });
    const reports = await Promise.all(
      fleet.map((w) =>
        w.next<{ ok: number; caseIds: string[]; failures: AttemptFailure[]; warnings: string[] }>('done', 120_000),
      ),
    );
    // Node's own warnings in any worker (a listener leak, ...) fail the run.
    expect(reports.flatMap((r) => r.warnings)).toEqual([]);
    const failures = reports.flatMap((r) => r.failures);
    const ids = reports.flatMap((r) => r.caseIds);
    // What the run saw, for the closing note.
    console.log(
      `[cluster failover, creates] ${ids.length} creates (${killedAt} before the kill, ${servedAt - killedAt} while electing), mints ${mints - before.mints}, failed attempts ${failures.length} (${[...new Set(failures.map((f) => `${f.name}/${f.code}`))].join(', ') || 'none'}), slowest failure ${Math.max(0, ...failures.map((f) => f.ms))} ms`,
    );
    expect(failures.filter((f) => !f.typed)).toEqual([]);
    expect(Math.max(0, ...failures.map((f) => f.ms))).toBeLessThan(20_000);
    expect(mints - before.mints).toBeGreaterThanOrEqual(1);
    expect(mints - before.mints).toBeLessThanOrEqual(2);
    // Nothing lost, nothing twice: every create a worker finished is one case in FML.
    expect(new Set(ids).size).toBe(ids.length);
    expect(created()).toBe(ids.length);
    await Promise.all(fleet.map((w) => w.exited));
  }, 300_000);

  it('webhooks: every event applied, twice only where its claim lived on the dead master, 503s (never a hang) while electing', async () => {
    const prefix = 'cf-failover-hooks:';
    const fleet = Array.from({ length: 4 }, (_, i) => hookWorker(i, { prefix, breakerPauseMs: 200 }));
    const ports = (await Promise.all(fleet.map((w) => w.next<{ port: number }>('ready', 60_000)))).map((m) => m.port);
    const events = signedEvents(1000, '001');
    const claimKey = (id: string) => `${prefix}seen:${id}`;
    // A master that still has a replica (the previous test's promoted one has none): the one serving the
    // most of these claims.
    const byMaster = new Map<number, number>();
    for (const port of await Promise.all(events.slice(0, 60).map((e) => cluster.masterOf(claimKey(e.eventId)))))
      byMaster.set(port, (byMaster.get(port) ?? 0) + 1);
    const withReplica = await mastersWithLiveReplica();
    const victim = [...byMaster].filter(([port]) => withReplica.has(port)).sort((a, b) => b[1] - a[1])[0]![0];
    const victimSlots = await slotsOf(victim);

    const d = deliverer(120_000);
    const run = runPool(
      events.flatMap((e) => ports.map((port) => () => d.deliver(port, e))),
      32,
    );
    await until(() => d.delivered >= 1000, 60_000, '1,000 deliveries before the kill');
    await cluster.kill(victim);
    await run;
    expect(d.delivered).toBe(4000);
    await cluster.waitUntilServed(claimKey(events[0]!.eventId), 60_000);

    for (const w of fleet) w.child.send({ type: 'stop' });
    const reports = await Promise.all(fleet.map((w) => w.next<{ handledIds: string[]; warnings: string[] }>('report')));
    // Node's own warnings in any worker (a listener leak, ...) fail the run.
    expect(reports.flatMap((r) => r.warnings)).toEqual([]);
    const counts = appliedCounts(reports);
    const twice = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    console.log(
      `[cluster failover, webhooks] 4,000 deliveries answered 200, statuses seen ${JSON.stringify(Object.fromEntries(d.statuses))}, events applied twice ${twice.length} (claims on the dead master: ${events.filter((e) => victimSlots(keySlot(claimKey(e.eventId)))).length}), slowest answer ${d.slowestMs} ms`,
    );
    // Nothing verified lost: every event applied.
    expect(counts.size).toBe(1000);
    // At-least-once, only where the claim (or its done mark) died with the master before it replicated.
    for (const id of twice) expect(victimSlots(keySlot(claimKey(id))), id).toBe(true);
    // While electing, receivers answered, never hung: 409 (claimed elsewhere), 503 (Redis down), a dropped
    // connection, or 500 when the worker's own side effect (an INCR into the same cluster) failed.
    expect([...d.statuses.keys()].every((s) => [0, 200, 409, 500, 503].includes(s))).toBe(true);
    expect(d.slowestMs).toBeLessThan(20_000);
  }, 300_000);
});

/** Masters (by port) whose replica is alive, per the live nodes' CLUSTER NODES. */
async function mastersWithLiveReplica(): Promise<Set<number>> {
  const live = cluster.nodes.find((n) => n.alive)!;
  const lines = String(await cluster.command(live.port, ['CLUSTER', 'NODES']))
    .trim()
    .split('\n')
    .map((l) => l.split(' '));
  const portOf = new Map(lines.map((f) => [f[0]!, Number(f[1]!.split('@')[0]!.split(':').pop())]));
  const result = new Set<number>();
  for (const f of lines) {
    const flags = f[2]!.split(',');
    if (flags.includes('slave') && !flags.includes('fail') && !flags.includes('fail?') && f[7] === 'connected')
      result.add(portOf.get(f[3]!)!);
  }
  return result;
}

/** A predicate: is `slot` served by the master on `port` (per CLUSTER SLOTS now)? */
async function slotsOf(port: number): Promise<(slot: number) => boolean> {
  const live = cluster.nodes.find((n) => n.alive)!;
  const table = (await cluster.command(live.port, ['CLUSTER', 'SLOTS'])) as Array<
    [number, number, [string, number, string]]
  >;
  const ranges = table.filter((r) => r[2][1] === port).map((r) => [r[0], r[1]] as const);
  return (slot) => ranges.some(([a, b]) => slot >= a && slot <= b);
}
