import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StoredToken } from '../../src/internal/auth/token-store';
import { keySlot } from '../../src/redis/cluster';
import { RedisDedupeStore, RedisStoreError, RedisTokenStore } from '../../src/redis/index';
import { type RedisCluster, startRedisCluster } from '../helpers/redis-cluster';
import { type ConnectedClient, clusterKinds, nodeRedis } from './redis-clients';

// The Redis stores on a real Redis Cluster (3 masters, 3 replicas on loopback), through the cluster
// clients of both libraries. Keys are spread over every shard on purpose.

/** A command time limit for tests that are not about time limits: 1,200 scripts at once on a busy CI machine. */
const ROOMY = { commandTimeoutMs: 15_000 };

let cluster: RedisCluster;
beforeAll(async () => {
  cluster = await startRedisCluster();
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

function token(accessToken: string, lifetimeMs = 3_600_000): StoredToken {
  const issuedAt = Date.now();
  return { accessToken, issuedAt, expiresAt: issuedAt + lifetimeMs };
}

/** `count` keys made by `make(i)` that land on every master of the cluster, and which masters they hit. */
async function spread(make: (i: number) => string, count: number): Promise<{ keys: string[]; masters: Set<number> }> {
  const keys = Array.from({ length: count }, (_, i) => make(i));
  const masters = new Set(await Promise.all(keys.map((k) => cluster.masterOf(k))));
  return { keys, masters };
}

describe('keySlot', () => {
  it("computes Redis's own hash slot (CLUSTER KEYSLOT), hash tags and non-ASCII keys included", async () => {
    const keys = [
      'fml:x',
      'fml:webhook:00000000-0000-4000-8000-000000000001',
      '{fml:client-1}:rate',
      'a{fml:client-1}b',
      '{}x',
      '{x',
      'x}{',
      '{}{y}',
      'é-ключ-🙂',
      '',
      'fml:{}:lock',
    ];
    for (let i = 0; i < 40; i++) keys.push(`fml:${i}:${'z'.repeat(i)}`);
    const port = cluster.nodes[0]!.port;
    for (const key of keys) expect(keySlot(key), key).toBe(await cluster.command(port, ['CLUSTER', 'KEYSLOT', key]));
  });
});

describe.each(clusterKinds)('the Redis stores on a cluster through $name', (kind) => {
  const open: ConnectedClient[] = [];
  const connect = async () => {
    const c = await kind.connect(cluster.rootNodes);
    open.push(c);
    return c;
  };
  const prefix = `${kind.name.split(' ')[0]}:`;
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });

  it('RedisTokenStore: 20 stores on their own cluster connections mint once per token key, with keys on every shard', async () => {
    const { keys, masters } = await spread((i) => `client-${i}`, 12);
    expect(masters.size).toBe(3);
    const stores = await Promise.all(
      Array.from(
        { length: 20 },
        async () =>
          new RedisTokenStore((await connect()).client, { ...ROOMY, prefix: `${prefix}tok:`, pollIntervalMs: 5 }),
      ),
    );
    const mints = new Map<string, number>();
    const results = await Promise.all(
      keys.flatMap((key) =>
        stores.map((store) =>
          store.acquire(key, async () => {
            mints.set(key, (mints.get(key) ?? 0) + 1);
            await new Promise((r) => setTimeout(r, 30));
            return token(`minted-for-${key}`);
          }),
        ),
      ),
    );
    expect([...mints.values()]).toEqual(keys.map(() => 1));
    expect(new Set(results.map((t) => t.accessToken))).toEqual(new Set(keys.map((k) => `minted-for-${k}`)));
    // Shared for real: a new store reads every token without minting, and the lock keys are gone.
    const reader = new RedisTokenStore((await connect()).client, { ...ROOMY, prefix: `${prefix}tok:` });
    for (const key of keys) expect((await reader.get(key))?.accessToken).toBe(`minted-for-${key}`);
    const raw = open[0]!.raw;
    for (const key of keys) expect(await raw(['EXISTS', `${prefix}tok:${key}:lock`])).toBe(0);
    await reader.delete(keys[0]!, 'not-the-token');
    expect(await reader.get(keys[0]!)).toBeDefined();
    await reader.delete(keys[0]!, `minted-for-${keys[0]}`);
    expect(await reader.get(keys[0]!)).toBeUndefined();
  });

  it('RedisDedupeStore: 300 events claimed by 4 receivers at once, on every shard: each claimed once, then done', async () => {
    const { keys: ids, masters } = await spread((i) => `evt-${i}`, 300);
    expect(masters.size).toBe(3);
    const stores = await Promise.all(
      Array.from(
        { length: 4 },
        async () => new RedisDedupeStore((await connect()).client, { ...ROOMY, prefix: `${prefix}hooks:` }),
      ),
    );
    const claims = await Promise.all(
      ids.flatMap((id) => stores.map(async (store) => ({ id, store, result: await store.claim(id, 10_000) }))),
    );
    const winners = claims.filter((c) => c.result === 'claimed');
    expect(winners.map((c) => c.id).sort()).toEqual([...ids].sort());
    expect(claims.filter((c) => c.result === 'in_progress')).toHaveLength(ids.length * 3);
    // Half succeed, half fail (released, so FML's retry is processed).
    await Promise.all(winners.map((w, i) => (i % 2 ? w.store.release(w.id) : w.store.markDone(w.id, 60_000))));
    const again = await Promise.all(winners.map((w) => stores[0]!.claim(w.id, 10_000)));
    expect(again).toEqual(winners.map((_, i) => (i % 2 ? 'claimed' : 'done')));
  });

  it('a cluster client that is not connected yet is refused with a typed error, not a hang', async () => {
    const c = await connect();
    await c.close();
    const store = new RedisTokenStore(c.client, { prefix: `${prefix}closed:` });
    await expect(store.get('k')).rejects.toBeInstanceOf(RedisStoreError);
  });
});

it('a single-node client pointed at a cluster fails with a typed error that says to use a cluster client', async () => {
  const key = 'fml:wrong-client';
  const master = await cluster.masterOf(key);
  const other = cluster.nodes.find((n) => n.port !== master)!;
  const c = await nodeRedis.connect(`redis://127.0.0.1:${other.port}`);
  try {
    const error = await new RedisTokenStore(c.client, { prefix: 'fml:' }).get('wrong-client').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisStoreError);
    expect((error as Error).message).toMatch(/MOVED/);
    expect((error as Error).message).toMatch(/cluster client/);
  } finally {
    await c.close();
  }
});
