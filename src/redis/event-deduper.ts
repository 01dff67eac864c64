import { FmlConfigError } from '../errors';
import { INSPECT } from '../internal/redact';
import {
  type ClaimResult,
  type DedupeStore,
  type EventDeduper,
  type EventDeduperOptions,
  createEventDeduper,
} from '../webhooks/dedupe';
import { type RedisClientLike, type RedisCommands, replyString, toRedisCommands } from './client-adapter';
import type { RedisTimeLimitOptions } from './time-limit';
import { RENEW_OR_RELEASE } from './lua';
import { randomId } from './util';

/**
 * Options for {@link RedisDedupeStore}. Every command has a time limit (`commandTimeoutMs`, 1 s) and a
 * circuit breaker (`breakerPauseMs`, 10 s): a hung Redis makes the receiver answer 503 within the limit,
 * then at once while the breaker is open, and FML retries.
 */
export interface RedisDedupeStoreOptions extends RedisTimeLimitOptions {
  /**
   * Prepended to every event-id key. Give each receiver (endpoint) its own when they share a Redis and
   * must each process every event.
   * @default "fml:webhook:"
   */
  prefix?: string;
}

/**
 * Claim in one round trip, atomically: take the key if free (`SET NX PX`), else say whether the event
 * is done or still held by someone. Values: `claimed:<owner>` while processing, `done` after.
 */
const CLAIM = `if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 'claimed' end
if redis.call('GET', KEYS[1]) == 'done' then return 'done' end
return 'in_progress'`;

/**
 * A {@link DedupeStore} on Redis: several webhook receivers (replicas, processes) de-duplicate FML's
 * deliveries together, so each `eventId` is processed once whichever replica gets it. Atomic per event:
 * a claim is one `SET NX PX` (in a script that also reads the state), marked `done` for `ttlMs` after
 * success, and released — only by its owner — after a failure so FML's retry is processed.
 *
 * Works with a connected `redis` (v4+) or `ioredis` client; the package never imports either.
 */
export class RedisDedupeStore implements DedupeStore {
  /** The key prefix in use. */
  readonly prefix: string;
  readonly #redis: RedisCommands;
  /** Claims this process holds: event id → owner token. */
  readonly #owned = new Map<string, string>();

  constructor(client: RedisClientLike, options: RedisDedupeStoreOptions = {}) {
    this.#redis = toRedisCommands(client, options); // it reads the time limits only
    this.prefix = options.prefix ?? 'fml:webhook:';
    if (typeof this.prefix !== 'string') throw new FmlConfigError('RedisDedupeStore prefix must be a string.');
  }

  async claim(eventId: string, leaseMs: number): Promise<ClaimResult> {
    const owner = `claimed:${randomId()}`;
    const reply = replyString(
      await this.#redis.run(['EVAL', CLAIM, '1', this.#key(eventId), owner, String(Math.max(1, Math.ceil(leaseMs)))]),
    );
    if (reply === 'claimed') this.#owned.set(eventId, owner);
    return reply === 'claimed' || reply === 'done' ? reply : 'in_progress';
  }

  async markDone(eventId: string, ttlMs: number): Promise<void> {
    this.#owned.delete(eventId);
    await this.#redis.run(['SET', this.#key(eventId), 'done', 'PX', String(Math.max(1, Math.ceil(ttlMs)))]);
  }

  async release(eventId: string): Promise<void> {
    const owner = this.#owned.get(eventId);
    this.#owned.delete(eventId);
    // Only if the claim is still ours: after our lease lapsed, another replica may hold it.
    if (owner !== undefined) await this.#redis.run(['EVAL', RENEW_OR_RELEASE, '1', this.#key(eventId), owner]);
  }

  #key(eventId: string): string {
    return `${this.prefix}${eventId}`;
  }

  /** What `JSON.stringify` shows: the settings, never a secret. */
  toJSON(): Record<string, unknown> {
    return { type: 'RedisDedupeStore', prefix: this.prefix };
  }

  /** What `util.inspect` and `console.log` show: the same, without secrets. @internal (the symbol is internal) */
  [INSPECT](): string {
    return `RedisDedupeStore { prefix: ${JSON.stringify(this.prefix)} }`;
  }
}

/** `new RedisDedupeStore(client, options)`, as a function. */
export function createRedisDedupeStore(
  client: RedisClientLike,
  options: RedisDedupeStoreOptions = {},
): RedisDedupeStore {
  return new RedisDedupeStore(client, options);
}

/** Options for {@link createRedisEventDeduper}: the de-duplication timings plus the Redis key prefix. */
export type RedisEventDeduperOptions = Omit<EventDeduperOptions, 'store' | 'maxEntries'> & RedisDedupeStoreOptions;

/**
 * An event de-duplicator shared through Redis, for `createWebhookHandler({ dedupe })`:
 *
 * @example
 * const dedupe = createRedisEventDeduper(redis, { ttlMs: 7 * 86_400_000 });
 * export const POST = createWebhookHandler({ secret, onEvent, dedupe });
 */
export function createRedisEventDeduper(client: RedisClientLike, options: RedisEventDeduperOptions = {}): EventDeduper {
  const { prefix, commandTimeoutMs, breakerPauseMs, ...timings } = options;
  return createEventDeduper({
    ...timings,
    store: new RedisDedupeStore(client, {
      ...(prefix === undefined ? {} : { prefix }),
      commandTimeoutMs,
      breakerPauseMs,
    }),
  });
}
