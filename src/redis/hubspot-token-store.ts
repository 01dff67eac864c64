import { MemoryTokenStore, type StoredToken, type TokenStore } from '../auth/token-store';
import { FmlConfigError, FmlTimeoutError } from '../errors';
import { lazyConnection, loadRedisPackage } from './from-url';
import { DELETE_IF_TOKEN, RELEASE_LOCK, RENEW_LOCK } from './lua';
import { randomId, sleep } from './util';

// The paste-ready HubSpot action's shared token store (its REDIS_URL secret). It speaks RedisTokenStore's
// protocol — the same keys (`fml:<key>`, `fml:<key>:lock`), stored JSON, TTLs and lock rules — so the
// action and an npm-package process on the same Redis share one token. It is not RedisTokenStore itself
// because the action must stay under 30 KB minified: this keeps only what the action uses (the `redis`
// v4 client HubSpot provides, RedisTokenStore's defaults, always falling back) in a fifth of the size.
// test/hubspot/redis-token-store.test.ts holds the two to the same behaviour against a real Redis.

const PREFIX = 'fml:';
/** RedisTokenStore's defaults: lock TTL (renewed every third while minting), first poll pause. */
const LOCK_TTL_MS = 10_000;
const POLL_MS = 25;

/**
 * A {@link TokenStore} on the Redis at `url` (redis:// or rediss://), connected on first use through the
 * runtime's own `redis` package (required only then, never bundled). A Redis that is down, unreachable or
 * refusing never fails a call: this process then keeps its own token until Redis answers again, and
 * `onOutage` hears of the first failure of each outage (its message never holds the URL). A Redis that
 * hangs costs one short timeout, then is skipped for a while (see lazyConnection).
 * `waitMs` caps waiting for another process's mint — the action's budget, RedisTokenStore's 30 s being
 * more than HubSpot's 20 s: an acquire the action has given up on must not linger and mint later.
 * Throws {@link FmlConfigError} for a URL that is not redis:// or rediss://.
 */
export function hubspotRedisTokenStore(url: string, onOutage?: (message: string) => void, waitMs = 10_000): TokenStore & { close(): Promise<void> } {
  if (typeof url !== 'string' || !/^rediss?:\/\/./.test(url.trim())) throw new FmlConfigError('it must be a redis:// or rediss:// URL.');
  const connection = lazyConnection(url.trim(), loadRedisPackage, 2000);
  let down = false;
  const run = (...args: string[]) =>
    connection.redisCommand(args).then(
      (reply) => ((down = false), reply),
      (error: unknown) => {
        // The URL may hold a password; Redis's own words (WRONGPASS, ECONNREFUSED...) say what is wrong.
        if (!down) onOutage?.(String((error as Error)?.message ?? error).split(url.trim()).join('***'));
        down = true;
        throw error;
      },
    );
  const local = new MemoryTokenStore();

  const get = async (key: string) => {
    try {
      return parseToken(await run('GET', PREFIX + key));
    } catch {
      return local.get(key);
    }
  };
  const set = async (key: string, token: StoredToken) => {
    await local.set(key, token);
    const ttlMs = Math.ceil(token.expiresAt - Date.now());
    // An already-expired token is not worth sharing; make sure no older one lingers either.
    await (ttlMs > 0 ? run('SET', PREFIX + key, JSON.stringify(token), 'PX', String(ttlMs)) : run('DEL', PREFIX + key)).catch(() => undefined);
  };

  return {
    get,
    set,
    close: connection.close,
    async delete(key, onlyIfToken) {
      await local.delete(key, onlyIfToken);
      await (onlyIfToken === undefined ? run('DEL', PREFIX + key) : run('EVAL', DELETE_IF_TOKEN, '1', PREFIX + key, onlyIfToken)).catch(() => undefined);
    },
    // One mint across every process on this Redis: a lock (SET NX PX) for the minter, polling for the rest.
    async acquire(key, mint) {
      const lock = `${PREFIX}${key}:lock`;
      const owner = randomId();
      const giveUpAt = Date.now() + waitMs;
      // Past the wait, nothing mints: the caller has given up, and a late mint only spends FML's quota.
      const timedOut = () => new FmlTimeoutError(`Waited ${waitMs} ms for the FML access token (Redis lock ${lock}).`);
      const mintInTime = () => (Date.now() < giveUpAt ? mint() : Promise.reject(timedOut()));
      for (let pause = POLL_MS; ; pause = Math.min(pause * 2, POLL_MS * 10)) {
        let locked: boolean;
        try {
          const cached = parseToken(await run('GET', PREFIX + key));
          if (cached && hasHalfLifeLeft(cached)) return cached;
          locked = (await run('SET', lock, owner, 'NX', 'PX', String(LOCK_TTL_MS))) !== null;
        } catch {
          // Redis is gone: mint in this process (the caller single-flights it).
          const token = await mintInTime();
          await local.set(key, token);
          return token;
        }
        if (locked) {
          const renew = setInterval(() => run('EVAL', RENEW_LOCK, '1', lock, owner, String(LOCK_TTL_MS)).catch(() => undefined), LOCK_TTL_MS / 3);
          renew.unref?.();
          try {
            // Another process may have minted between our last look and taking the lock.
            const cached = await get(key);
            if (cached && hasHalfLifeLeft(cached)) return cached;
            const token = await mintInTime();
            await set(key, token);
            return token;
          } finally {
            clearInterval(renew);
            await run('EVAL', RELEASE_LOCK, '1', lock, owner).catch(() => undefined); // it lapses anyway
          }
        }
        if (Date.now() >= giveUpAt) throw timedOut();
        // Jitter, so a crowd of waiters does not knock on Redis in step.
        await sleep(Math.min(pause, giveUpAt - Date.now()) * (0.75 + Math.random() / 2));
      }
    },
  };
}

/** True while at least half the token's lifetime remains (RedisTokenStore's rule for a shared token). */
function hasHalfLifeLeft(token: StoredToken): boolean {
  return Date.now() < token.expiresAt - (token.expiresAt - token.issuedAt) / 2;
}

/** A stored token, or undefined for anything else (absent, foreign, corrupt): that just means "mint". */
function parseToken(raw: unknown): StoredToken | undefined {
  try {
    const t = JSON.parse(typeof raw === 'string' ? raw : '') as Partial<StoredToken> | null;
    if (typeof t?.accessToken === 'string' && t.accessToken && Number.isFinite(t.expiresAt) && Number.isFinite(t.issuedAt)) return t as StoredToken;
  } catch {
    // not JSON
  }
  return undefined;
}
