import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FmlClient } from '../../src/client';
import type { StoredToken } from '../../src/internal/auth/token-store';
import { FmlConfigError, FmlTimeoutError } from '../../src/errors';
import { RedisStoreError, RedisTokenStore } from '../../src/redis/index';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { type RedisServer, startRedisServer } from '../helpers/redis-server';
import { type ConnectedClient, clientKinds } from './redis-clients';

const SECRET_TOKEN = 'eyJ.SECRET-ACCESS-TOKEN-7f3a9c.sig';

function token(lifetimeMs = 3_600_000, accessToken = SECRET_TOKEN): StoredToken {
  const issuedAt = Date.now();
  return { accessToken, issuedAt, expiresAt: issuedAt + lifetimeMs, scope: 'cases:write read:cases' };
}

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});

describe.each(clientKinds)('RedisTokenStore with $name', (kind) => {
  const open: ConnectedClient[] = [];
  const connect = async () => {
    const c = await kind.connect(server.url);
    open.push(c);
    return c;
  };
  let prefixSeq = 0;
  const prefix = () => `t${++prefixSeq}:${kind.name}:`;
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });

  it('stores a token under the prefix with a TTL that ends at its expiry, and reads it back', async () => {
    const c = await connect();
    const p = prefix();
    const store = new RedisTokenStore(c.client, { prefix: p });
    const t = token(60_000);
    await store.set('k', t);
    expect(await store.get('k')).toEqual(t);
    const pttl = Number(await c.raw(['PTTL', `${p}k`]));
    expect(pttl).toBeGreaterThan(55_000);
    expect(pttl).toBeLessThanOrEqual(60_000);
    await store.delete('k');
    expect(await store.get('k')).toBeUndefined();
    expect(await c.raw(['EXISTS', `${p}k`])).toBe(0);
  });

  it('does not store an expired token, and drops an older one in its place', async () => {
    const c = await connect();
    const store = new RedisTokenStore(c.client, { prefix: prefix() });
    await store.set('k', token());
    await store.set('k', { accessToken: 'old', issuedAt: Date.now() - 7200_000, expiresAt: Date.now() - 1 });
    expect(await store.get('k')).toBeUndefined();
  });

  it('reads a corrupt or foreign value as "no token" (so the client mints) without polluting prototypes', async () => {
    const c = await connect();
    const p = prefix();
    const store = new RedisTokenStore(c.client, { prefix: p });
    for (const junk of [
      'not json',
      '42',
      'null',
      '{"accessToken":""}',
      '{"__proto__":{"polluted":1},"accessToken":"x"}',
      '{"accessToken":"x","expiresAt":"soon","issuedAt":1}',
    ]) {
      await c.raw(['SET', `${p}k`, junk]);
      expect(await store.get('k')).toBeUndefined();
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('mints exactly once for 20 stores on separate connections asking at the same time; all get that token', async () => {
    const p = prefix();
    const stores = await Promise.all(
      Array.from(
        { length: 20 },
        async () => new RedisTokenStore((await connect()).client, { prefix: p, pollIntervalMs: 5 }),
      ),
    );
    let mints = 0;
    const mint = async () => {
      mints++;
      await new Promise((r) => setTimeout(r, 50));
      return token(3_600_000, `minted-${mints}`);
    };
    const results = await Promise.all(stores.map((s) => s.acquire('shared', mint)));
    expect(mints).toBe(1);
    expect(new Set(results.map((r) => r.accessToken))).toEqual(new Set(['minted-1']));
    // The lock is gone once the mint is shared.
    const c = await connect();
    expect(await c.raw(['EXISTS', `${p}shared:lock`])).toBe(0);
  });

  it('hands back a shared token with half its life left, but mints over one about to expire', async () => {
    const c = await connect();
    const store = new RedisTokenStore(c.client, { prefix: prefix() });
    let mints = 0;
    const mint = async () => token(3_600_000, `fresh-${++mints}`);
    await store.set('k', token(3_600_000, 'shared-one'));
    expect((await store.acquire('k', mint)).accessToken).toBe('shared-one');
    const nearlyExpired: StoredToken = {
      accessToken: 'nearly',
      issuedAt: Date.now() - 3_570_000,
      expiresAt: Date.now() + 30_000,
    };
    await store.set('k', nearlyExpired);
    expect((await store.acquire('k', mint)).accessToken).toBe('fresh-1');
    expect((await store.get('k'))?.accessToken).toBe('fresh-1');
    expect(mints).toBe(1);
  });

  it('takes over when the lock holder died: its lock lapses and a waiter mints', async () => {
    const c = await connect();
    const p = prefix();
    // A holder that died mid-mint: its lock exists, nobody renews it.
    await c.raw(['SET', `${p}k:lock`, 'dead-process', 'PX', '300']);
    const store = new RedisTokenStore(c.client, { prefix: p, pollIntervalMs: 10 });
    let mints = 0;
    const result = await store.acquire('k', async () => token(3_600_000, `after-death-${++mints}`));
    expect(result.accessToken).toBe('after-death-1');
    expect(mints).toBe(1);
  });

  it('renews its lock while a slow mint runs, so nobody else mints meanwhile', async () => {
    const p = prefix();
    // Renewed every third of its 1.5 s lifetime: a stall of this process under 1 s (a busy CI machine)
    // cannot let it lapse (a 400 ms lock, renewed every 133 ms, could be lost to a stall of that size).
    const a = new RedisTokenStore((await connect()).client, { prefix: p, lockTtlMs: 1_500, pollIntervalMs: 10 });
    const b = new RedisTokenStore((await connect()).client, { prefix: p, lockTtlMs: 1_500, pollIntervalMs: 10 });
    let mints = 0;
    const slowMint = async () => {
      mints++;
      await new Promise((r) => setTimeout(r, 4_500)); // three lock lifetimes
      return token(3_600_000, `slow-${mints}`);
    };
    const first = a.acquire('k', slowMint);
    await new Promise((r) => setTimeout(r, 30));
    const second = b.acquire('k', slowMint);
    const [ra, rb] = await Promise.all([first, second]);
    expect(mints).toBe(1);
    expect(rb.accessToken).toBe(ra.accessToken);
  });

  it('never deletes a lock it no longer holds', async () => {
    const c = await connect();
    const p = prefix();
    const store = new RedisTokenStore(c.client, { prefix: p });
    await store.acquire('k', async () => {
      // Our lock lapsed and another process took it while we were minting.
      await c.raw(['SET', `${p}k:lock`, 'someone-else', 'PX', '10000']);
      return token();
    });
    expect(await c.raw(['GET', `${p}k:lock`])).toBe('someone-else');
  });

  it('gives up waiting on a lock that never frees with FmlTimeoutError, having minted nothing', async () => {
    const c = await connect();
    const p = prefix();
    await c.raw(['SET', `${p}k:lock`, 'stuck-process', 'PX', '60000']);
    const store = new RedisTokenStore(c.client, { prefix: p, waitTimeoutMs: 150, pollIntervalMs: 10 });
    let mints = 0;
    const error = await store
      .acquire('k', async () => {
        mints++;
        return token();
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FmlTimeoutError);
    expect(mints).toBe(0);
  });

  it('releases the lock when the mint fails, so the next caller mints', async () => {
    const c = await connect();
    const p = prefix();
    const store = new RedisTokenStore(c.client, { prefix: p });
    await expect(store.acquire('k', async () => Promise.reject(new Error('token endpoint down')))).rejects.toThrow(
      'token endpoint down',
    );
    expect(await c.raw(['EXISTS', `${p}k:lock`])).toBe(0);
    expect((await store.acquire('k', async () => token(3_600_000, 'second-try'))).accessToken).toBe('second-try');
  });

  it('keeps the token out of util.inspect and JSON', async () => {
    const c = await connect();
    const store = new RedisTokenStore(c.client, { prefix: 'fml:' });
    await store.set('k', token());
    expect(inspect(store, { depth: 10, showHidden: true })).not.toContain(SECRET_TOKEN);
    expect(JSON.stringify(store)).not.toContain(SECRET_TOKEN);
    expect(inspect(store)).toBe('RedisTokenStore { prefix: "fml:" }');
  });

  it('rejects with RedisStoreError (no token in it) when Redis is gone, or falls back to this process when asked', async () => {
    const c = await connect();
    const strict = new RedisTokenStore(c.client, { prefix: prefix() });
    const seen: RedisStoreError[] = [];
    const lenient = new RedisTokenStore(c.client, {
      prefix: prefix(),
      fallbackToLocal: true,
      onError: (e) => seen.push(e),
    });
    await c.close();
    const error = await strict.set('k', token()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisStoreError);
    expect(`${inspect(error, { depth: 10 })} ${JSON.stringify(error)}`).not.toContain(SECRET_TOKEN);
    await expect(strict.acquire('k', async () => token())).rejects.toBeInstanceOf(RedisStoreError);

    await lenient.set('k', token());
    expect((await lenient.get('k'))?.accessToken).toBe(SECRET_TOKEN);
    let mints = 0;
    await lenient.delete('k');
    expect((await lenient.acquire('k', async () => token(3_600_000, `local-${++mints}`))).accessToken).toBe('local-1');
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((e) => e instanceof RedisStoreError && !e.message.includes(SECRET_TOKEN))).toBe(true);
  });

  it('refuses options that cannot work, and objects that are not Redis clients', async () => {
    const c = await connect();
    expect(() => new RedisTokenStore(c.client, { lockTtlMs: 0 })).toThrow(FmlConfigError);
    expect(() => new RedisTokenStore(c.client, { waitTimeoutMs: Number.NaN })).toThrow(FmlConfigError);
    // Past 2^31-1 ms a timer fires at once: the lock would be renewed in a busy loop, the poll not wait at all.
    expect(() => new RedisTokenStore(c.client, { lockTtlMs: 2 ** 31 })).toThrow(
      'RedisTokenStore lockTtlMs must be over 0 ms (at most 2^31-1); got 2147483648.',
    );
    expect(() => new RedisTokenStore(c.client, { pollIntervalMs: 2 ** 31 })).toThrow(FmlConfigError);
    expect(() => new RedisTokenStore({} as never)).toThrow(FmlConfigError);
  });
});

describe('RedisTokenStore behind FmlClient, against the sandbox', () => {
  let sb: Sandbox;
  let mints = 0;
  const open: ConnectedClient[] = [];
  beforeAll(async () => {
    sb = await startSandbox({
      rateLimit: false,
      onRequest: (e) => {
        if (e.path === '/v1/oauth/token' && e.status === 200) mints++;
      },
    });
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    await sb?.close();
  });

  let clients: FmlClient[] = [];
  const create = (fml: FmlClient, i: number) =>
    fml.cases.create({
      customerEmail: `c${i}@example.com`,
      companyName: `Co ${i}`,
      crmRecordId: `rts-${i}`,
      crmSource: 'hubspot',
      sendInvite: false,
    });

  it('lets clients on separate connections (both client libraries) share one token: 80 creates, 1 mint', async () => {
    clients = await Promise.all(
      [...clientKinds, ...clientKinds].map(async (kind) => {
        const c = await kind.connect(server.url);
        open.push(c);
        return new FmlClient({
          clientId: sb.clientId,
          clientSecret: sb.clientSecret,
          baseUrl: sb.url,
          tokenStore: new RedisTokenStore(c.client, { prefix: 'client-test:' }),
        });
      }),
    );
    await Promise.all(clients.flatMap((fml, n) => Array.from({ length: 20 }, (_, i) => create(fml, n * 20 + i))));
    expect(mints).toBe(1);
    expect(sb.cases).toHaveLength(80);
  });

  it('re-mints once when FML refuses the shared token, and every call still succeeds', async () => {
    expect(clients).toHaveLength(4);
    sb.expireTokens(); // every client now holds a token FML refuses
    await Promise.all(clients.flatMap((fml, n) => Array.from({ length: 10 }, (_, i) => create(fml, 100 + n * 10 + i))));
    expect(mints).toBe(2);
    expect(sb.cases).toHaveLength(120);
  });
});
