import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitWaitError } from '../../src/errors';
import { RateLimiter, RedisRateLimitStore } from '../../src/internal/rate-limit';
import { RedisStoreError } from '../../src/redis/index';
import { type RedisCluster, startRedisCluster } from '../helpers/redis-cluster';
import { type ConnectedClient, clusterKinds, ioRedisCluster, nodeRedisCluster } from '../scale/redis-clients';
import { limiterBehaviour } from './limiter-behaviour';

// The fleet limiter (RedisRateLimitStore) on a real Redis Cluster (3 masters + 3 replicas on loopback),
// through the cluster clients of both libraries: its one script touches the two keys of one client id's
// budget, which share the hash tag {<prefix><client id>}, so it runs on one shard and never fails CROSSSLOT.

/**
 * A command time limit for tests that are not about time limits: a store call that timed out on a busy
 * machine would send unpaced (and admit more than the limit).
 */
const ROOMY = { commandTimeoutMs: 15_000 };

let cluster: RedisCluster;
const open: ConnectedClient[] = [];
beforeAll(async () => {
  cluster = await startRedisCluster();
}, 90_000);
afterAll(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
  await cluster?.stop();
});

async function connect(kind: (typeof clusterKinds)[number]): Promise<ConnectedClient> {
  const c = await kind.connect(cluster.rootNodes);
  open.push(c);
  return c;
}

/** One client id per master: ids whose budget keys land on each of the three masters. */
async function scopesOnEveryMaster(store: RedisRateLimitStore): Promise<string[]> {
  const byMaster = new Map<number, string>();
  for (let i = 0; byMaster.size < 3 && i < 200; i++) {
    const scope = `pk_live_${i}`;
    const master = await cluster.masterOf(store.keys(scope, 'requests')[0]);
    if (!byMaster.has(master)) byMaster.set(master, scope);
  }
  expect(byMaster.size).toBe(3);
  return [...byMaster.values()];
}

describe.each(clusterKinds)('RateLimiter on a Redis Cluster through $name', (kind) => {
  let client: ConnectedClient;
  beforeAll(async () => {
    client = await connect(kind);
  });
  /** Each take is one round trip to a shard: a few pings down the same cluster client let those in flight land. */
  const ioSettled = async () => {
    for (let i = 0; i < 5; i++) {
      await client.raw(['PING']);
      await new Promise((r) => setImmediate(r));
    }
  };
  // The same rules as on one redis-server (limiter.test.ts), with a clock of the test's.
  limiterBehaviour(
    (clock) =>
      new RedisRateLimitStore(client.client, {
        ...ROOMY,
        clock,
        prefix: `${kind.name.split(' ')[0]}-${Math.random()}:`,
      }),
    ioSettled,
  );
});

it("limiters of both libraries, on 6 connections, share one client id's log: exactly `limit` of 30 admitted at once, for ids on every master", async () => {
  const connections = await Promise.all(
    [nodeRedisCluster, nodeRedisCluster, nodeRedisCluster, ioRedisCluster, ioRedisCluster, ioRedisCluster].map(connect),
  );
  const prefix = 'rl-shared:';
  const stores = connections.map((c) => new RedisRateLimitStore(c.client, { ...ROOMY, prefix }));
  const rule = { limit: 7, windowMs: 60_000 };
  for (const scope of await scopesOnEveryMaster(stores[0]!)) {
    const limiters = stores.map((store) => new RateLimiter(scope, { store, requests: rule }));
    // Redis's clock (TIME) is the fleet's; a minute-long window means no slot frees during the test, and a
    // deadline short of it means a refused acquire fails at once instead of waiting.
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        limiters[i % limiters.length]!.acquire('requests', { attemptTimeoutMs: 5000, deadlineAt: Date.now() + 30_000 }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(rule.limit);
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toMatchObject({ name: 'RateLimitWaitError', reason: 'window' });
    // One log, on the master serving the id's hash tag, holding the 7 admitted.
    const [log, blocked] = stores[0]!.keys(scope, 'requests');
    expect(await connections[0]!.raw(['ZCARD', log])).toBe(rule.limit);
    expect(await cluster.command(await cluster.masterOf(log), ['CLUSTER', 'KEYSLOT', blocked])).toBe(
      await cluster.command(await cluster.masterOf(log), ['CLUSTER', 'KEYSLOT', log]),
    );
  }
});

it("a Retry-After stored through one library's cluster client pauses the other library's limiter", async () => {
  const [a, b] = await Promise.all([connect(nodeRedisCluster), connect(ioRedisCluster)]);
  const prefix = 'rl-block:';
  const limiterA = new RateLimiter('pk_block', { store: new RedisRateLimitStore(a.client, { ...ROOMY, prefix }) });
  const limiterB = new RateLimiter('pk_block', { store: new RedisRateLimitStore(b.client, { ...ROOMY, prefix }) });
  await limiterA.retryAfter(60_000);
  const error = await limiterB
    .acquire('requests', { attemptTimeoutMs: 5000, deadlineAt: Date.now() + 30_000 })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RateLimitWaitError);
  expect(error).toMatchObject({ reason: 'retry_after' });
  expect((error as RateLimitWaitError).retryAfterMs).toBeGreaterThan(30_000);
  // The token budget is its own: not blocked.
  await limiterB.acquire('tokens', { attemptTimeoutMs: 5000 });
});

it('keys stay in one slot whatever the prefix holds (braces included), and the script runs there', async () => {
  const [a, b] = await Promise.all([connect(nodeRedisCluster), connect(ioRedisCluster)]);
  for (const prefix of ['fml:', 'app{x}:', '}odd{:', '{}:', 'é-ключ:']) {
    for (const c of [a, b]) {
      const store = new RedisRateLimitStore(c.client, { ...ROOMY, prefix });
      const keys = store.keys('pk_live_slot', 'tokens');
      const port = await cluster.masterOf(keys[0]);
      const [s1, s2] = await Promise.all(keys.map((k) => cluster.command(port, ['CLUSTER', 'KEYSLOT', k])));
      expect(s1, prefix).toBe(s2);
      await store.block('pk_live_slot', 'tokens', 60_000);
      expect(
        await store.take(
          'pk_live_slot',
          'tokens',
          { limit: 1, windowMs: 1000 },
          { id: 'x', ahead: 0, attemptTimeoutMs: 1000 },
        ),
      ).toMatchObject({ ok: false, blocked: true });
    }
  }
});

// Last in the file: it kills a master of the shared cluster.
it("the master holding a client id's log dies mid-run: acquires carry on (unpaced, each store failure a typed error), none hangs, and the promoted replica then serves the log", async () => {
  const clients = await Promise.all([connect(nodeRedisCluster), connect(ioRedisCluster)]);
  const prefix = 'rl-failover:';
  const scope = 'pk_failover';
  const storeErrors: unknown[] = [];
  // The default time limit (1 s), and short breaker pauses: the run looks at Redis again soon after each failure.
  const stores = clients.map((c) => new RedisRateLimitStore(c.client, { prefix, breakerPauseMs: 200 }));
  const limiters = stores.map(
    (store) =>
      new RateLimiter(scope, {
        store,
        requests: { limit: 10_000, windowMs: 1000 },
        onStoreError: (e) => storeErrors.push(e),
      }),
  );
  const log = stores[0]!.keys(scope, 'requests')[0];
  let stopping = false;
  let acquired = 0;
  let slowestMs = 0;
  const loops = limiters.map(async (limiter) => {
    while (!stopping) {
      const started = Date.now();
      const permit = await limiter.acquire('requests', { attemptTimeoutMs: 1000 });
      slowestMs = Math.max(slowestMs, Date.now() - started);
      acquired++;
      await permit.settle().catch((e: unknown) => storeErrors.push(e));
      await new Promise((r) => setTimeout(r, 5));
    }
  });
  const until = async (check: () => boolean | Promise<boolean>, what: string) => {
    const giveUpAt = Date.now() + 60_000;
    while (!(await check())) {
      if (Date.now() > giveUpAt) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  try {
    await until(() => acquired >= 50, '50 acquires before the kill');
    const victim = await cluster.masterOf(log);
    await cluster.kill(victim);
    const killedAt = acquired;
    expect(await cluster.waitUntilServed(log, 60_000)).not.toBe(victim);
    // Served by Redis again through both libraries: a take answers (instead of failing) on each client.
    const served = (store: RedisRateLimitStore) => () =>
      store
        .take(
          scope,
          'requests',
          { limit: 10_000, windowMs: 1000 },
          { id: `probe-${Math.random()}`, ahead: 0, attemptTimeoutMs: 1000 },
        )
        .then(
          (answer) => answer.ok,
          () => false,
        );
    for (const store of stores) await until(served(store), 'the promoted replica to serve the log');
    const servedAt = acquired;
    await until(() => acquired >= servedAt + 50, '50 acquires after the failover');
    console.log(
      `[cluster failover, limiter] ${acquired} acquires (${killedAt} before the kill, ${servedAt - killedAt} while electing), store errors ${storeErrors.length} (${[...new Set(storeErrors.map((e) => `${(e as Error).name}/${(e as RedisStoreError).reason}`))].join(', ') || 'none'}), slowest acquire ${slowestMs} ms`,
    );
  } finally {
    stopping = true;
    await Promise.all(loops);
  }
  expect(storeErrors.every((e) => e instanceof RedisStoreError)).toBe(true);
  // Never a hang: each store call is bounded by commandTimeoutMs (1 s), the breaker answers at once.
  expect(slowestMs).toBeLessThan(20_000);
  expect(await clients[1]!.raw(['ZCARD', log])).toBeGreaterThan(0);
}, 180_000);
