import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredToken } from '../../src/internal/auth/token-store';
import { FmlClient } from '../../src/client';
import { FmlConfigError } from '../../src/errors';
import { clusterUrlOptions } from '../../src/redis/cluster-url';
import { hubspotCustomCodeAction } from '../../src/hubspot/custom-code/action';
import { RedisStoreError, RedisTokenStore, redisTokenStoreFromUrl } from '../../src/redis/index';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { type RedisCluster, startRedisCluster } from '../helpers/redis-cluster';
import { freePort } from '../helpers/redis-server';
import { type ConnectedClient, nodeRedisCluster } from './redis-clients';

// A Redis Cluster named by one URL (redis+cluster://host:port[,host:port...]), as redisTokenStoreFromUrl
// and the HubSpot action's REDIS_URL take it: a real password-protected 3+3 cluster on loopback.

const PASSWORD = 'cluster-url-pw-7c1e';
/** Time limits for tests that are not about time limits (a busy CI machine). */
const ROOMY = { connectTimeoutMs: 15_000, commandTimeoutMs: 15_000 };

let cluster: RedisCluster;
let sb: Sandbox;
let mints = 0;
let probe: ConnectedClient;
beforeAll(async () => {
  [cluster, sb] = await Promise.all([
    startRedisCluster({ password: PASSWORD }),
    startSandbox({
      rateLimit: false,
      onRequest: (e) => void (e.path === '/v1/oauth/token' && e.status === 200 && mints++),
    }),
  ]);
  probe = await nodeRedisCluster.connect(cluster.rootNodes, { password: PASSWORD });
}, 60_000);
afterAll(async () => {
  await probe?.close();
  await Promise.all([cluster?.stop(), sb?.close()]);
});

const seed = (i: number) => `127.0.0.1:${cluster.nodes[i]!.port}`;
const token = (accessToken: string): StoredToken => ({
  accessToken,
  issuedAt: Date.now(),
  expiresAt: Date.now() + 3_600_000,
});

describe('redisTokenStoreFromUrl with a redis+cluster:// URL', () => {
  it('connects from one seed, reaches every shard (the password goes to every node), and shares tokens with stores on other seeds', async () => {
    // Keys on all three masters: the store must follow the slot map, not talk to its seed alone.
    const keys = Array.from({ length: 12 }, (_, i) => `url-key-${i}`);
    expect(new Set(await Promise.all(keys.map((k) => cluster.masterOf(`url:${k}`)))).size).toBe(3);
    const a = redisTokenStoreFromUrl(`redis+cluster://:${PASSWORD}@${seed(0)}`, { prefix: 'url:', ...ROOMY });
    // Several seeds, the first of them a port nobody listens on: the next one answers.
    const b = redisTokenStoreFromUrl(
      `redis+cluster://default:${PASSWORD}@127.0.0.1:${await freePort()},${seed(3)},${seed(5)}/0`,
      { prefix: 'url:', ...ROOMY },
    );
    try {
      const minted = new Map<string, number>();
      const mint = (key: string) => async () => {
        minted.set(key, (minted.get(key) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 20));
        return token(`url-token-${key}`);
      };
      const got = await Promise.all(keys.flatMap((k) => [a.acquire(k, mint(k)), b.acquire(k, mint(k))]));
      expect([...minted.values()]).toEqual(keys.map(() => 1));
      expect(got.map((t) => t.accessToken)).toEqual(keys.flatMap((k) => [`url-token-${k}`, `url-token-${k}`]));
      // Really in the cluster, where a cluster client reads it.
      for (const k of keys)
        expect(JSON.parse(String(await probe.raw(['GET', `url:${k}`]))).accessToken).toBe(`url-token-${k}`);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('serves FmlClient: two "invocations" with their own cluster connection mint once', async () => {
    const before = mints;
    const url = `redis+cluster://:${PASSWORD}@${seed(1)},${seed(2)}`;
    const stores = [
      redisTokenStoreFromUrl(url, { prefix: 'url-fml:', ...ROOMY }),
      redisTokenStoreFromUrl(url, { prefix: 'url-fml:', ...ROOMY }),
    ];
    try {
      const clients = stores.map(
        (tokenStore) =>
          new FmlClient({ clientId: sb.clientId, clientSecret: sb.clientSecret, baseUrl: sb.url, tokenStore }),
      );
      const created = await Promise.all(
        clients.flatMap((fml, n) =>
          Array.from({ length: 5 }, (_, i) =>
            fml.cases.create({
              customerEmail: `c${n}${i}@example.com`,
              crmRecordId: `cluster-url-${n}-${i}`,
              crmSource: 'hubspot',
            }),
          ),
        ),
      );
      expect(created).toHaveLength(10);
      expect(mints - before).toBe(1);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('a wrong password fails with a typed auth error that does not show it (or falls back, by default)', async () => {
    const wrong = 'not-the-cluster-pw-31f0';
    const strict = redisTokenStoreFromUrl(`redis+cluster://:${wrong}@${seed(0)}`, { fallbackToLocal: false, ...ROOMY });
    const error = await strict.get('k').catch((e: unknown) => e);
    await strict.close();
    expect(error).toBeInstanceOf(RedisStoreError);
    expect((error as RedisStoreError).reason).toBe('auth');
    expect(`${(error as Error).message} ${inspect(error, { depth: 5 })} ${JSON.stringify(error)}`).not.toContain(wrong);

    const seen: RedisStoreError[] = [];
    const lenient = redisTokenStoreFromUrl(`redis+cluster://:${wrong}@${seed(0)}`, {
      ...ROOMY,
      onError: (e) => seen.push(e),
    });
    try {
      const t = await lenient.acquire('k', async () => token('local-after-auth-failure'));
      expect(t.accessToken).toBe('local-after-auth-failure');
      expect(seen.map((e) => e.reason)).toContain('auth');
    } finally {
      await lenient.close();
    }
  });

  it('refuses a malformed cluster URL with a configuration error that never quotes the URL', () => {
    const secret = 'pw-in-a-bad-url-99ab';
    for (const bad of [
      `redis+cluster://:${secret}@`,
      `redis+cluster://:${secret}@a:1,,b:2`,
      `redis+cluster://:${secret}@host:port`,
      `redis+cluster://:${secret}@a b:1`,
      `rediss+cluster://:${secret}@a:1/2`,
    ]) {
      let error: unknown;
      try {
        redisTokenStoreFromUrl(bad);
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(FmlConfigError);
      expect((error as Error).message).not.toContain(secret);
    }
    expect(() => redisTokenStoreFromUrl('redis-cluster://a:1')).toThrow(/redis\+cluster:\/\//);
  });
});

describe('clusterUrlOptions', () => {
  it('reads seeds, percent-encoded credentials and TLS; other URLs are not cluster URLs', () => {
    expect(
      clusterUrlOptions('rediss+cluster://app%40eu:p%3Aw%2Fd@clustercfg.example.com:6380,[::1]:7000,node3'),
    ).toEqual({
      rootNodes: [
        { url: 'rediss://clustercfg.example.com:6380' },
        { url: 'rediss://[::1]:7000' },
        { url: 'rediss://node3' },
      ],
      defaults: { username: 'app@eu', password: 'p:w/d', socket: { tls: true } },
    });
    expect(clusterUrlOptions(' redis+cluster://10.0.0.1:7000 ')).toEqual({
      rootNodes: [{ url: 'redis://10.0.0.1:7000' }],
      defaults: {},
    });
    expect(clusterUrlOptions('redis://10.0.0.1:7000')).toBeUndefined();
    expect(clusterUrlOptions('rediss://:pw@10.0.0.1:7000')).toBeUndefined();
  });
});

describe('the HubSpot action with a redis+cluster:// REDIS_URL', () => {
  it('shares one token between its runs and an npm FmlClient on a cluster client: one mint', async () => {
    const client = sb.createClient();
    const before = mints;
    const lines: string[] = [];
    const env = {
      FML_CLIENT_ID: client.clientId,
      FML_CLIENT_SECRET: client.clientSecret,
      FML_BASE_URL: sb.url,
      REDIS_URL: `redis+cluster://:${PASSWORD}@${seed(4)}`,
    };
    const action = hubspotCustomCodeAction({ env, log: (l) => lines.push(l) });
    const company = (id: number) => ({
      object: { objectType: 'COMPANY', objectId: id },
      inputFields: { email: `c${id}@example.com`, name: `Co ${id}` },
    });
    const runs = await Promise.all([981001, 981002, 981003].map((id) => action(company(id))));
    for (const r of runs) expect(r.outputFields).toMatchObject({ ok: true, replayed: 'false' });
    expect(mints - before).toBe(1);
    // The npm client, on its own cluster connection, finds that token in the cluster and mints none.
    const fml = new FmlClient({
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      baseUrl: sb.url,
      tokenStore: new RedisTokenStore(probe.client),
      env: {},
    });
    await fml.cases.list({ limit: 1 }).firstPage();
    expect(mints - before).toBe(1);
    expect(lines.join('\n')).not.toContain('Redis failed');
    expect(lines.join('\n')).not.toContain(PASSWORD);
  });
});

// Last in the file: it kills a master of the shared cluster.
describe('a URL-opened cluster connection after a master dies', () => {
  it('adds no listener per command to the dead node (no MaxListenersExceededWarning), serves the live shards, and closes at once', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => void warnings.push(warning);
    process.on('warning', onWarning);
    // A command time limit past the test's own: close() must not lean on it (it once waited on a QUIT to the dead node).
    const store = redisTokenStoreFromUrl(`redis+cluster://:${PASSWORD}@${seed(0)},${seed(1)}`, {
      connectTimeoutMs: 15_000,
      commandTimeoutMs: 60_000,
      prefix: 'quiet:',
      fallbackToLocal: false,
    });
    try {
      // One key per master, each stored through the URL's connection (so it holds a client for every master).
      const byMaster = new Map<number, string>();
      for (let i = 0; byMaster.size < 3; i++) {
        const master = await cluster.masterOf(`quiet:k${i}`);
        if (!byMaster.has(master)) byMaster.set(master, `k${i}`);
      }
      for (const key of byMaster.values()) await store.set(key, token(`t-${key}`));
      const [victim, ...living] = [...byMaster.keys()];
      await cluster.kill(victim!);
      // Only keys on live masters from now on: nothing answers MOVED, so the client keeps the dead node (and
      // its closed socket) in its map for the whole loop. 30 commands: 60 listeners if each added one per call.
      for (let i = 0; i < 30; i++) {
        for (const port of living)
          expect((await store.get(byMaster.get(port)!))?.accessToken).toBe(`t-${byMaster.get(port)}`);
      }
      // A warning is emitted on the next tick of the call that crossed the limit.
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message)).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await store.close();
    }
  });
});
