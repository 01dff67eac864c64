import { FmlConfigError, FmlError } from '../errors';
import { type NodeRedisClusterLike, isNodeRedisCluster, nodeRedisClusterSender } from './cluster';
import {
  type RedisTimeLimitOptions,
  GUARDED,
  guardedSender,
  isAuthFailure,
  isErrorReply,
  unavailableReason,
} from './time-limit';

/**
 * The part of a `redis` (node-redis v4+) client the SDK uses. Typed by shape, so the package never
 * imports `redis` itself: pass in the client you already have (`createClient(...)`, connected).
 */
export interface NodeRedisClientLike {
  /** Runs one command (`['SET', key, value, 'NX']`) and resolves with Redis's reply. */
  sendCommand(args: string[]): Promise<unknown>;
  /** Present on node-redis clients; `false` until `connect()` resolves. */
  readonly isOpen?: boolean;
}

/** The part of an `ioredis` client (`new Redis(...)` or `new Redis.Cluster(...)`) the SDK uses. */
export interface IoRedisClientLike {
  /** Runs one command (`call('SET', key, value, 'NX')`) and resolves with Redis's reply. */
  call(command: string, ...args: string[]): Promise<unknown>;
}

/**
 * A raw command runner, for any other Redis client: `redisCommand(['SET', key, value, 'NX'])`.
 * (Not `command`: both node-redis and ioredis already have a `command` method — Redis's COMMAND.)
 */
export interface RedisCommandRunner {
  /** Runs one command (`['SET', key, value, 'NX']`) and resolves with Redis's reply (errors reject). */
  redisCommand(args: string[]): Promise<unknown>;
}

/**
 * A Redis client the SDK can use: node-redis v4+ (`createClient` or `createCluster`), ioredis v5 (`new Redis`
 * or `new Cluster`), or anything with `redisCommand(args)`.
 */
export type RedisClientLike = NodeRedisClientLike | NodeRedisClusterLike | IoRedisClientLike | RedisCommandRunner;

export type { NodeRedisClusterLike } from './cluster';

/**
 * Why a Redis call failed: `timeout` (no answer within `commandTimeoutMs`), `circuit_open` (skipped: Redis
 * failed moments ago), `auth` (Redis refused the password or ACL user), `unavailable` (could not connect,
 * connection lost), `command` (Redis answered with an error).
 */
export type RedisFailureReason = 'timeout' | 'circuit_open' | 'auth' | 'unavailable' | 'command';

/** A Redis command or connection failed. The message never holds the values sent (tokens). */
export class RedisStoreError extends FmlError {
  /** The Redis command that failed, e.g. `SET`. */
  readonly command: string;
  /** Why it failed (see {@link RedisFailureReason}). */
  readonly reason: RedisFailureReason;

  constructor(command: string, message: string, reason: RedisFailureReason = 'unavailable') {
    super('redis_error', message);
    this.command = command;
    this.reason = reason;
  }
}

/**
 * The one shape the stores talk to. `secretArgs` are positions in `args` whose values must never
 * reach an error message (ioredis, for one, copies command arguments onto its errors).
 */
export interface RedisCommands {
  run(args: string[], secretArgs?: readonly number[]): Promise<unknown>;
}

/**
 * Recognises the client and returns a runner; throws {@link FmlConfigError} for anything else. Every
 * command gets the time limit and the circuit breaker of `limits` (a store's options: only those two are
 * read), unless the client has its own, as a {@link lazyConnection} does.
 */
export function toRedisCommands(client: RedisClientLike, limits: RedisTimeLimitOptions = {}): RedisCommands {
  const send = isGuarded(client) ? commandSender(client) : guardedSender(commandSender(client), limits);
  return {
    async run(args, secretArgs = []) {
      try {
        return await send(args);
      } catch (error) {
        throw describeFailure(args, secretArgs, error);
      }
    },
  };
}

function isGuarded(client: RedisClientLike): boolean {
  return (client as { [GUARDED]?: unknown } | null | undefined)?.[GUARDED] === true;
}

function commandSender(client: RedisClientLike): (args: string[]) => Promise<unknown> {
  const c = client as Partial<NodeRedisClientLike & IoRedisClientLike & RedisCommandRunner> | null | undefined;
  // biome-ignore lint/style/noNonNullAssertion: checked on this line; the closure loses TypeScript's narrowing
  if (c && typeof c.redisCommand === 'function') return (args) => c.redisCommand!(args);
  // ioredis also has a `sendCommand`, but one that takes its own Command objects: test `call` first.
  // biome-ignore lint/style/noNonNullAssertion: checked on this line (the closure loses the narrowing); a command always has its name
  if (c && typeof c.call === 'function') return ([name, ...rest]) => c.call!(name!, ...rest);
  // Before the single client: a cluster's `sendCommand` takes the command's key first.
  if (isNodeRedisCluster(c)) return nodeRedisClusterSender(c);
  if (c && typeof c.sendCommand === 'function') {
    return (args) => {
      if (c.isOpen === false)
        return Promise.reject(new Error('the redis client is not connected; await client.connect() before using it'));
      // biome-ignore lint/style/noNonNullAssertion: checked above; the closure loses TypeScript's narrowing
      return c.sendCommand!(args);
    };
  }
  throw new FmlConfigError(
    'Expected a Redis client: a connected `redis` (v4+) client or cluster, an `ioredis` client or Cluster, or an object with redisCommand(args).',
  );
}

/** A typed error with the command name and Redis's own words, minus anything we sent. */
function describeFailure(args: string[], secretArgs: readonly number[], error: unknown): RedisStoreError {
  const name = (args[0] ?? '').toUpperCase();
  let detail =
    typeof (error as { message?: unknown })?.message === 'string'
      ? (error as { message: string }).message
      : 'unknown error';
  for (const i of secretArgs) {
    const value = args[i];
    if (value) detail = detail.split(value).join('***');
  }
  // A single-node client on a cluster is told MOVED for most keys: say what to pass instead.
  const hint = /^(MOVED|ASK|CROSSSLOT)\b/.test(detail)
    ? ' (this Redis is a cluster: pass a cluster client — createCluster(...) from `redis`, or new Cluster(...) from `ioredis`)'
    : '';
  detail = detail.slice(0, 300) + hint;
  // The error object itself (and its `command.args`) is deliberately not kept as `cause`.
  const unanswered = unavailableReason(error);
  if (unanswered) return new RedisStoreError(name, `Redis ${name} failed: ${detail}`, unanswered);
  if (isAuthFailure(error)) {
    return new RedisStoreError(
      name,
      `Redis ${name} failed: authentication failed — Redis refused the password (or ACL user) it was given; check the credentials in the URL or client options. Redis said: ${detail}`,
      'auth',
    );
  }
  return new RedisStoreError(name, `Redis ${name} failed: ${detail}`, isErrorReply(error) ? 'command' : 'unavailable');
}

/** Reads a Redis bulk reply as a string (node-redis may hand back Buffers when so configured). */
export function replyString(reply: unknown): string | undefined {
  if (typeof reply === 'string') return reply;
  if (reply instanceof Uint8Array) return new TextDecoder().decode(reply);
  return undefined;
}
