import { type RedisClientLike, type RedisCommands, toRedisCommands } from '../../redis/client-adapter';
import type { RedisTimeLimitOptions } from '../../redis/time-limit';
import type { Clock } from '../engine/clock';
import { RATE_LIMIT_SCRIPT } from './script';
import type { RateLimitStore, SlotRequest } from './store';
import { type Budget, type SlotAnswer, type WindowRule, IN_FLIGHT_SLACK_MS } from './window';

/** Options for {@link RedisRateLimitStore}. */
export interface RedisRateLimitStoreOptions extends RedisTimeLimitOptions {
  /**
   * Starts every key, inside the hash tag: `{fml:<client id>}:requests`, `…:tokens`, `…:requests:blocked`, `…:tokens:blocked`.
   * @default "fml:"
   */
  prefix?: string;
  /** Test clock. @default Redis's own clock (`TIME`), one clock for the whole fleet */
  clock?: Pick<Clock, 'now'>;
}

/**
 * The fleet limiter's store: every process sharing one Redis (and one FML client id) shares one log,
 * kept by a single Lua script on keys of one hash tag (Redis Cluster safe).
 */
export class RedisRateLimitStore implements RateLimitStore {
  /** What every key starts with, inside the hash tag. */
  readonly prefix: string;
  readonly #redis: RedisCommands;
  readonly #clock: Pick<Clock, 'now'> | undefined;

  /**
   * @param client - A connected node-redis (v4+) or ioredis client, or a Cluster.
   * @param options - Key prefix and the Redis time limits.
   */
  constructor(client: RedisClientLike, options: RedisRateLimitStoreOptions = {}) {
    this.#redis = toRedisCommands(client, options); // it reads the time limits only
    this.prefix = options.prefix ?? 'fml:';
    this.#clock = options.clock;
  }

  /** {@inheritDoc index!RateLimitStore.take} */
  async take(scope: string, budget: Budget, rule: WindowRule, request: SlotRequest): Promise<SlotAnswer> {
    const reply = (await this.#run(
      scope,
      budget,
      'take',
      String(rule.limit),
      String(rule.windowMs),
      request.id,
      String(request.attemptTimeoutMs + IN_FLIGHT_SLACK_MS),
      String(request.ahead),
    )) as unknown[];
    if (Number(reply[0]) === 1) return { ok: true };
    return { ok: false, minWaitMs: Number(reply[1]), waitMs: Number(reply[2]), blocked: Number(reply[3]) === 1 };
  }

  /** {@inheritDoc index!RateLimitStore.settle} */
  async settle(scope: string, budget: Budget, id: string): Promise<void> {
    await this.#run(scope, budget, 'settle', id);
  }

  /** {@inheritDoc index!RateLimitStore.block} */
  async block(scope: string, budget: Budget, ms: number): Promise<void> {
    await this.#run(scope, budget, 'block', String(Math.max(1, Math.ceil(ms))));
  }

  /** The keys of one client id's budget. Their hash tag is `{prefix + id}`, so both fall in one Redis Cluster slot. */
  keys(scope: string, budget: Budget): [log: string, blocked: string] {
    // Redis Cluster hashes what lies between a key's first `{` and the first `}` after it — or the whole
    // key when that is empty: a prefix (or id) starting with `}` would make the tag `{}` and put the two
    // keys in two slots (CROSSSLOT). Any other `}` only cuts the tag short, inside the part both keys share.
    const id = `${this.prefix}${scope}`;
    const tag = `{${id.startsWith('}') ? '_' : ''}${id}}`;
    return [`${tag}:${budget}`, `${tag}:${budget}:blocked`];
  }

  #run(scope: string, budget: Budget, op: string, ...args: string[]): Promise<unknown> {
    const now = this.#clock ? String(Math.floor(this.#clock.now())) : '';
    return this.#redis.run(['EVAL', RATE_LIMIT_SCRIPT, '2', ...this.keys(scope, budget), op, now, ...args]);
  }
}
