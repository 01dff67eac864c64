import { inspect } from 'node:util';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredToken } from '../../src/auth/token-store';
import { FmlConfigError } from '../../src/errors';
import { hubspotRedisTokenStore } from '../../src/redis/hubspot-token-store';
import { RedisTokenStore } from '../../src/redis/token-store';
import { type RedisServer, startRedisServer } from '../helpers/redis-server';

// The HubSpot action's small Redis token store must speak RedisTokenStore's protocol exactly, so the
// action and an npm-package process on the same Redis share one token. Real redis-server, real `redis` client.

let server: RedisServer;
let redis: ReturnType<typeof createClient>;
let full: RedisTokenStore;

beforeAll(async () => {
  server = await startRedisServer();
  redis = createClient({ url: server.url });
  await redis.connect();
  full = new RedisTokenStore(redis);
}, 30_000);

afterAll(async () => {
  await redis?.quit().catch(() => undefined);
  await server?.stop();
});

const token = (name: string, lifetimeMs = 3_600_000): StoredToken => ({ accessToken: `eyJ.${name}.sig`, issuedAt: Date.now(), expiresAt: Date.now() + lifetimeMs, scope: 'cases:write' });

describe('hubspotRedisTokenStore', () => {
  it('reads what RedisTokenStore wrote and the other way round (same keys, same JSON, same TTL)', async () => {
    const lite = hubspotRedisTokenStore(server.url);
    const a = token('from-full');
    await full.set('k-shared-1', a);
    expect(await lite.get('k-shared-1')).toEqual(a);
    const b = token('from-lite');
    await lite.set('k-shared-2', b);
    expect(await full.get('k-shared-2')).toEqual(b);
    expect(await redis.get('fml:k-shared-2')).not.toBeNull();
    const ttl = await redis.pTTL('fml:k-shared-2');
    expect(ttl).toBeGreaterThan(3_500_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
  });

  it('mints once between itself and a RedisTokenStore acquiring at the same time', async () => {
    const lite = hubspotRedisTokenStore(server.url);
    let minted = 0;
    const mint = async () => {
      minted++;
      await new Promise((r) => setTimeout(r, 50));
      return token(`minted-${minted}`);
    };
    const got = await Promise.all([lite.acquire!('k-race', mint), full.acquire('k-race', mint), lite.acquire!('k-race', mint)]);
    expect(minted).toBe(1);
    expect(new Set(got.map((t) => t.accessToken)).size).toBe(1);
    // The lock is released afterwards, not left to lapse.
    expect(await redis.exists('fml:k-race:lock')).toBe(0);
  });

  it('waits for the lock holder, and takes over once a dead holder\'s lock lapses', async () => {
    const lite = hubspotRedisTokenStore(server.url);
    // A holder that died mid-mint: its lock lapses after its TTL (short here, as if nearly expired).
    await redis.set('fml:k-dead:lock', 'someone-else', { PX: 300 });
    let minted = 0;
    const t = await lite.acquire!('k-dead', async () => token(`after-lapse-${++minted}`));
    expect(minted).toBe(1);
    expect(t.accessToken).toBe('eyJ.after-lapse-1.sig');
    expect(await full.get('k-dead')).toEqual(t);
  });

  it('hands back a shared token only while half its lifetime is left', async () => {
    const lite = hubspotRedisTokenStore(server.url);
    const old: StoredToken = { accessToken: 'eyJ.old.sig', issuedAt: Date.now() - 50_000, expiresAt: Date.now() + 10_000 };
    await full.set('k-half', old);
    const fresh = await lite.acquire!('k-half', async () => token('fresh'));
    expect(fresh.accessToken).toBe('eyJ.fresh.sig');
  });

  it('deletes only the token it was told to (compare-and-delete), like RedisTokenStore', async () => {
    const lite = hubspotRedisTokenStore(server.url);
    await full.set('k-del', token('current'));
    await lite.delete('k-del', 'eyJ.stale.sig');
    expect((await full.get('k-del'))?.accessToken).toBe('eyJ.current.sig');
    await lite.delete('k-del', 'eyJ.current.sig');
    expect(await full.get('k-del')).toBeUndefined();
    await full.set('k-del', token('again'));
    await lite.delete('k-del');
    expect(await full.get('k-del')).toBeUndefined();
  });

  it('ignores a corrupt or foreign value (it just means "mint")', async () => {
    const lite = hubspotRedisTokenStore(server.url);
    await redis.set('fml:k-junk', '{"accessToken":42}');
    expect(await lite.get('k-junk')).toBeUndefined();
    await redis.set('fml:k-junk', 'not json');
    expect(await lite.get('k-junk')).toBeUndefined();
  });

  it('falls back to a per-process token when Redis is down, reporting the outage once without the URL', async () => {
    const gone = await startRedisServer();
    await gone.stop();
    const url = `redis://:pw-9d1e-secret@127.0.0.1:${gone.port}`;
    const outages: string[] = [];
    const lite = hubspotRedisTokenStore(url, (why) => outages.push(why));
    let minted = 0;
    const t = await lite.acquire!('k-down', async () => token(`local-${++minted}`));
    expect(t.accessToken).toBe('eyJ.local-1.sig');
    await lite.set('k-down', t);
    expect(await lite.get('k-down')).toEqual(t);
    await lite.delete('k-down', t.accessToken);
    expect(await lite.get('k-down')).toBeUndefined();
    expect(minted).toBe(1);
    expect(outages).toHaveLength(1);
    expect(outages[0]).not.toContain('pw-9d1e-secret');
  }, 30_000);

  it('refuses a URL that is not redis:// or rediss://, and shows no token or URL when printed', () => {
    for (const bad of ['', 'http://cache.example.com', 'localhost:6379', undefined as unknown as string]) expect(() => hubspotRedisTokenStore(bad)).toThrow(FmlConfigError);
    const store = hubspotRedisTokenStore('rediss://:pw-1234-secret@cache.example.com:6380');
    expect(inspect(store, { depth: 5 }) + JSON.stringify(store)).not.toContain('pw-1234-secret');
  });
});
