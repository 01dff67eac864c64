import { DELETE_IF_TOKEN, RENEW_OR_RELEASE } from './lua';
import type { StoredToken, TokenStore } from '../internal/auth/token-store';
import { MemoryTokenStore } from '../internal/auth/token-store';
import { FmlConfigError, FmlTimeoutError } from '../errors';
import { INSPECT } from '../internal/redact';
import {
  type RedisClientLike,
  type RedisCommands,
  RedisStoreError,
  replyString,
  toRedisCommands,
} from './client-adapter';
import { checkedMs, type RedisTimeLimitOptions } from './time-limit';
import { randomId } from './util';
import { sleep } from '../internal/engine/backoff';

/** Options for {@link RedisTokenStore}, including each command's time limit and the circuit breaker. */
export interface RedisTokenStoreOptions extends RedisTimeLimitOptions {
  /**
   * Prepended to every key the store writes (the token, and `<token key>:lock`). Give each
   * environment its own when they share one Redis.
   * @default "fml:"
   */
  prefix?: string;
  /**
   * How long the mint lock holds before it lapses, in ms. The holder renews it every third of this
   * while it mints, so it only lapses when the holder died (or lost Redis): then a waiter takes over.
   * @default 10000
   */
  lockTtlMs?: number;
  /**
   * How long a process waits for another one's mint before giving up with `FmlTimeoutError`, in ms.
   * @default 30000
   */
  waitTimeoutMs?: number;
  /**
   * First pause between looks at Redis while another process mints, in ms; it doubles up to 10× this.
   * @default 25
   */
  pollIntervalMs?: number;
  /**
   * When Redis fails (down, unreachable, refusing), carry on as a per-process cache instead of failing
   * the API call: each process then mints its own token until Redis is back.
   * @default false (Redis failures reject with `RedisStoreError`)
   */
  fallbackToLocal?: boolean;
  /**
   * Told about each Redis failure the store absorbed under `fallbackToLocal`. Never receives a token.
   * @default undefined
   */
  onError?: (error: RedisStoreError) => void;
}

/**
 * A {@link TokenStore} on Redis, so every process of a fleet (web replicas, queue workers, serverless
 * invocations) shares one FML access token — FML allows 30 token requests a minute per client.
 *
 * - A cached token is read by every process; it is stored with a TTL that ends when it expires.
 * - With none cached, exactly one process mints: it takes a lock (`SET NX PX`, renewed while minting,
 *   released with a compare-and-delete script) while the others poll, with backoff, and read its token.
 * - A holder that dies mid-mint stops renewing; its lock lapses after `lockTtlMs` and a waiter mints.
 *
 * Works with a connected `redis` (v4+) or `ioredis` client; the package never imports either.
 * The store holds no secret itself, and prints as `RedisTokenStore { prefix: 'fml:' }`.
 *
 * @example
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect();
 * const fml = new FmlClient({ tokenStore: new RedisTokenStore(redis) });
 */
export class RedisTokenStore implements TokenStore {
  /** The key prefix in use. */
  readonly prefix: string;
  readonly #redis: RedisCommands;
  readonly #lockTtlMs: number;
  readonly #waitTimeoutMs: number;
  readonly #pollMs: number;
  readonly #local: MemoryTokenStore | undefined;
  readonly #onError: ((error: RedisStoreError) => void) | undefined;
  readonly #close: (() => Promise<void>) | undefined;

  constructor(
    client: RedisClientLike,
    options: RedisTokenStoreOptions = {},
    /** @internal */ close?: () => Promise<void>,
  ) {
    this.#redis = toRedisCommands(client, options); // it reads the time limits only
    this.prefix = options.prefix ?? 'fml:';
    if (typeof this.prefix !== 'string') throw new FmlConfigError('RedisTokenStore prefix must be a string.');
    this.#lockTtlMs = checkedMs(options.lockTtlMs, 10_000, 'RedisTokenStore lockTtlMs');
    this.#waitTimeoutMs = checkedMs(options.waitTimeoutMs, 30_000, 'RedisTokenStore waitTimeoutMs');
    this.#pollMs = checkedMs(options.pollIntervalMs, 25, 'RedisTokenStore pollIntervalMs');
    this.#local = options.fallbackToLocal ? new MemoryTokenStore() : undefined;
    this.#onError = options.onError;
    this.#close = close;
  }

  /** The token the fleet shares for `key`, if any (the local copy when Redis is down and `fallbackToLocal` is set). */
  async get(key: string): Promise<StoredToken | undefined> {
    try {
      return parseToken(replyString(await this.#redis.run(['GET', this.#key(key)])));
    } catch (error) {
      return this.#degrade(error, (local) => local.get(key));
    }
  }

  /** Shares `token` for `key`, expiring in Redis when the token does. */
  async set(key: string, token: StoredToken): Promise<void> {
    await this.#local?.set(key, token);
    const ttlMs = Math.ceil(token.expiresAt - Date.now());
    try {
      // An already-expired token is not worth sharing; make sure no older one lingers either.
      if (!(ttlMs > 0)) await this.#redis.run(['DEL', this.#key(key)]);
      else await this.#redis.run(['SET', this.#key(key), serialize(token), 'PX', String(ttlMs)], [2]);
    } catch (error) {
      await this.#degrade(error, async () => undefined);
    }
  }

  /**
   * Forgets the token for `key`. With `onlyIfToken`, only while that is still the stored token — so a
   * process dropping a token FML refused cannot delete the fresh one another process just stored.
   */
  async delete(key: string, onlyIfToken?: string): Promise<void> {
    const local = await this.#local?.get(key);
    if (onlyIfToken === undefined || local?.accessToken === onlyIfToken) await this.#local?.delete(key);
    try {
      if (onlyIfToken === undefined) await this.#redis.run(['DEL', this.#key(key)]);
      else await this.#redis.run(['EVAL', DELETE_IF_TOKEN, '1', this.#key(key), onlyIfToken], [4]);
    } catch (error) {
      await this.#degrade(error, async () => undefined);
    }
  }

  /**
   * A token for `key` with at least half its lifetime left, calling `mint` at most once across every
   * process sharing this Redis. Half-life, not "any unexpired token": the caller asks only when its
   * token is about to expire, and must not be handed that same token back.
   */
  async acquire(key: string, mint: () => Promise<StoredToken>): Promise<StoredToken> {
    const lockKey = `${this.#key(key)}:lock`;
    const owner = randomId();
    const giveUpAt = Date.now() + this.#waitTimeoutMs;
    const timedOut = () =>
      new FmlTimeoutError(
        `Waited ${this.#waitTimeoutMs} ms for another process to mint the FML access token (Redis lock ${lockKey}). Is that process stuck? Raise waitTimeoutMs if mints are slow.`,
      );
    // Past the wait, nothing mints: the caller has given up, and a late mint only spends FML's quota.
    const mintInTime = () => (Date.now() < giveUpAt ? mint() : Promise.reject(timedOut()));
    let pause = this.#pollMs;
    for (;;) {
      let locked: boolean;
      try {
        const cached = parseToken(replyString(await this.#redis.run(['GET', this.#key(key)])));
        if (cached && hasHalfLifeLeft(cached)) return cached;
        locked = (await this.#redis.run(['SET', lockKey, owner, 'NX', 'PX', String(this.#lockTtlMs)])) !== null;
      } catch (error) {
        // Redis is gone: mint in this process (the caller single-flights it), if allowed.
        return this.#degrade(error, async (local) => {
          const token = await mintInTime();
          await local.set(key, token);
          return token;
        });
      }
      if (locked) return this.#mintHoldingLock(key, lockKey, owner, mintInTime);
      if (Date.now() >= giveUpAt) throw timedOut();
      // Jitter, so a crowd of waiters does not knock on Redis in step.
      await sleep(Math.min(pause, giveUpAt - Date.now()) * (0.75 + Math.random() * 0.5));
      pause = Math.min(pause * 2, this.#pollMs * 10);
    }
  }

  async #mintHoldingLock(
    key: string,
    lockKey: string,
    owner: string,
    mint: () => Promise<StoredToken>,
  ): Promise<StoredToken> {
    const renew = setInterval(
      () => {
        this.#redis
          .run(['EVAL', RENEW_OR_RELEASE, '1', lockKey, owner, String(this.#lockTtlMs)])
          .catch(() => undefined);
      },
      Math.max(1, Math.floor(this.#lockTtlMs / 3)),
    );
    // A renewal timer must not keep a finished process alive.
    (renew as { unref?: () => void }).unref?.();
    try {
      // Another process may have minted between our last look and taking the lock.
      const cached = await this.get(key);
      if (cached && hasHalfLifeLeft(cached)) return cached;
      const token = await mint();
      // `mint` may already have stored it (the client's does); storing is what lets the waiters finish.
      await this.set(key, token);
      return token;
    } finally {
      clearInterval(renew);
      await this.#redis.run(['EVAL', RENEW_OR_RELEASE, '1', lockKey, owner]).catch(() => undefined); // it lapses anyway
    }
  }

  /**
   * Closes the Redis connection when this store opened it ({@link redisTokenStoreFromUrl}); a client
   * you passed in stays yours to close, so then this does nothing.
   */
  async close(): Promise<void> {
    await this.#close?.();
  }

  #key(key: string): string {
    return `${this.prefix}${key}`;
  }

  async #degrade<T>(error: unknown, fallback: (local: MemoryTokenStore) => Promise<T>): Promise<T> {
    const local = this.#local;
    if (!local || !(error instanceof RedisStoreError)) throw error;
    try {
      this.#onError?.(error);
    } catch {
      // A throwing observer must not turn a degraded call into a failed one.
    }
    return fallback(local);
  }

  /** What `JSON.stringify` shows: the settings, never a secret. */
  toJSON(): Record<string, unknown> {
    return { type: 'RedisTokenStore', prefix: this.prefix };
  }

  /** What `util.inspect` and `console.log` show: the same, without secrets. @internal (the symbol is internal) */
  [INSPECT](): string {
    return `RedisTokenStore { prefix: ${JSON.stringify(this.prefix)} }`;
  }
}

/** True while at least half the token's lifetime remains. */
function hasHalfLifeLeft(token: StoredToken, now = Date.now()): boolean {
  return now < token.expiresAt - (token.expiresAt - token.issuedAt) / 2;
}

function serialize(token: StoredToken): string {
  return JSON.stringify({
    accessToken: token.accessToken,
    expiresAt: token.expiresAt,
    issuedAt: token.issuedAt,
    ...(token.scope === undefined ? {} : { scope: token.scope }),
  });
}

/** A stored token, or undefined for anything else (absent, foreign, corrupt): that just means "mint". */
export function parseToken(raw: string | undefined): StoredToken | undefined {
  if (raw === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { accessToken, expiresAt, issuedAt, scope } = value as Record<string, unknown>;
  if (
    typeof accessToken !== 'string' ||
    accessToken === '' ||
    !Number.isFinite(expiresAt) ||
    !Number.isFinite(issuedAt)
  )
    return undefined;
  return {
    accessToken,
    expiresAt: expiresAt as number,
    issuedAt: issuedAt as number,
    ...(typeof scope === 'string' ? { scope } : {}),
  };
}
