import { startSilentServer } from '../helpers/redis-server';
import { describe, expect, it } from 'vitest';
import { type RedisStoreError, redisTokenStoreFromUrl } from '../../src/redis/index';
import { lazyConnection, loadRedisPackage } from '../../src/redis/from-url';

// A Redis that accepts the TCP connection and then never answers: node-redis's connectTimeout does not
// cover it, so without our own limit every command (and the handshake) would wait forever.

/** A silent server, and a password-carrying URL to it (the password must never show up anywhere). */
async function silentServer() {
  const server = await startSilentServer();
  return { ...server, url: `redis://:pw-stall-4410@127.0.0.1:${server.port}` };
}

describe('redisTokenStoreFromUrl against a Redis that never answers', () => {
  it('falls back to the per-process cache, reports the error, then skips Redis for a while', async () => {
    const silent = await silentServer();
    const errors: RedisStoreError[] = [];
    const store = redisTokenStoreFromUrl(silent.url, { onError: (e) => errors.push(e) });
    try {
      const t = { accessToken: 'eyJ.stall.sig', issuedAt: Date.now(), expiresAt: Date.now() + 3_600_000 };
      expect(await store.get('k')).toBeUndefined();
      await store.set('k', t);
      expect(await store.get('k')).toEqual(t);
      const minted = await store.acquire('k2', async () => ({ ...t, accessToken: 'eyJ.minted.sig' }));
      expect(minted.accessToken).toBe('eyJ.minted.sig');
      expect(errors.length).toBeGreaterThan(0);
      expect(JSON.stringify(errors.map((e) => e.message))).not.toContain('pw-stall-4410');
      // One connection attempt; the calls after the first failure did not knock again, and it was cut off.
      expect(silent.connections()).toBe(1);
      await expect.poll(() => silent.open()).toBe(0);
    } finally {
      await store.close();
      await silent.close();
    }
  }, 20_000);

  it('rejects, instead of hanging, when told not to fall back', async () => {
    const silent = await silentServer();
    const store = redisTokenStoreFromUrl(silent.url, { fallbackToLocal: false });
    try {
      await expect(store.get('k')).rejects.toMatchObject({ code: 'redis_error' });
      await expect(store.get('k')).rejects.toMatchObject({ code: 'redis_error' });
    } finally {
      await store.close();
      await silent.close();
    }
  }, 20_000);
});

describe('lazyConnection', () => {
  it('times out a hung connect, drops it, and tries Redis again once the pause is over', async () => {
    const silent = await silentServer();
    const connection = lazyConnection(silent.url, loadRedisPackage, 300, 300, 400);
    try {
      await expect(connection.redisCommand(['GET', 'k'])).rejects.toThrow(/did not answer/);
      await expect.poll(() => silent.open()).toBe(0);
      // Inside the pause: rejected at once, no new connection.
      await expect(connection.redisCommand(['GET', 'k'])).rejects.toThrow(/skipped/);
      expect(silent.connections()).toBe(1);
      await new Promise((r) => setTimeout(r, 500));
      await expect(connection.redisCommand(['GET', 'k'])).rejects.toThrow(/did not answer/);
      expect(silent.connections()).toBe(2);
    } finally {
      await connection.close();
      await silent.close();
    }
  }, 20_000);

  it('close() does not wait on a connection stuck in its handshake, and cuts it off', async () => {
    const silent = await silentServer();
    const connection = lazyConnection(silent.url, loadRedisPackage, 2_000, 10_000, 30_000);
    const pending = connection.redisCommand(['GET', 'k']).catch((e: Error) => e);
    await expect.poll(() => silent.open()).toBe(1);
    await connection.close();
    await expect.poll(() => silent.open()).toBe(0);
    expect(await pending).toBeInstanceOf(Error);
    await silent.close();
  }, 20_000);
});
