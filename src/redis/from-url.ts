import { FmlConfigError } from '../errors';
import type { RedisCommandRunner } from './client-adapter';
import { type LazyClusterLike, clusterAsClient, clusterUrlOptions, isRedisUrl } from './cluster-url';
import {
  DEFAULT_COMMAND_TIMEOUT_MS,
  GUARDED,
  checkTimeLimits,
  createCircuitBreaker,
  isAuthFailure,
  withTimeLimit,
} from './time-limit';
import { RedisTokenStore, type RedisTokenStoreOptions } from './token-store';

/** The part of the `redis` package (v4+) this helper calls. */
export interface RedisPackageLike {
  /** node-redis's `createClient({ url, ... })`; the helper connects the client when first needed. */
  createClient(options: Record<string, unknown>): LazyClient;
  /** node-redis's `createCluster({ rootNodes, defaults })`, used for a `redis+cluster://` / `rediss+cluster://` URL. */
  createCluster?(options: Record<string, unknown>): LazyClusterLike;
}

interface LazyClient {
  readonly isOpen: boolean;
  readonly isReady?: boolean;
  connect(): Promise<unknown>;
  sendCommand(args: string[]): Promise<unknown>;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  unref?(): void;
  quit?(): Promise<unknown>;
  disconnect?(): Promise<unknown>;
}

/** Options for {@link redisTokenStoreFromUrl}. */
export interface RedisTokenStoreFromUrlOptions extends RedisTokenStoreOptions {
  /**
   * Carry on as a per-process cache when Redis is down, instead of failing the API call.
   * @default true (here: a token cache must not stop cases being created)
   */
  fallbackToLocal?: boolean;
  /**
   * How long connecting may take, in ms, before Redis counts as down for this call.
   * @default 2000 (HubSpot gives a whole action 20 s)
   */
  connectTimeoutMs?: number;
  /**
   * How long one command may take once connected, in ms, before Redis counts as down for this call.
   * Loading the `redis` package is never charged to it.
   * @default 1000
   */
  commandTimeoutMs?: number;
  /**
   * Loads the `redis` package. Only needed where `require('redis')` / `import('redis')` cannot find it.
   * @default requires `redis` from the running code's node_modules, on first use only
   */
  loadRedis?: () => RedisPackageLike | Promise<RedisPackageLike>;
}

/**
 * A {@link RedisTokenStore} that opens its own `redis` (v4+) connection to `url` on first use: one server
 * (`redis://`, `rediss://` for TLS) or a Redis Cluster (`redis+cluster://host:port[,host:port...]`,
 * `rediss+cluster://` for TLS; any node, or a managed cluster's configuration endpoint, will do as a seed). Built for
 * places where you cannot set up a client first — the HubSpot Custom Code action with a `REDIS_URL`
 * secret: the `redis` package is required lazily (HubSpot allow-lists it; it is never bundled), the idle
 * connection never holds the process open, and by default a Redis outage degrades to a per-process cache.
 * Keep the store at module scope so warm runs reuse the connection; `store.close()` closes it.
 *
 * @example
 * const tokenStore = process.env.REDIS_URL ? redisTokenStoreFromUrl(process.env.REDIS_URL) : undefined;
 * const fml = new FmlClient({ tokenStore });
 */
export function redisTokenStoreFromUrl(url: string, options: RedisTokenStoreFromUrlOptions = {}): RedisTokenStore {
  const { loadRedis, connectTimeoutMs, commandTimeoutMs, breakerPauseMs, ...storeOptions } = options;
  const connection = redisConnectionFromUrl(url, { loadRedis, connectTimeoutMs, commandTimeoutMs, breakerPauseMs });
  return new RedisTokenStore(
    connection,
    { ...storeOptions, fallbackToLocal: storeOptions.fallbackToLocal ?? true },
    connection.close,
  );
}

/**
 * @internal The lazy connection {@link redisTokenStoreFromUrl} opens, for several stores to share (the
 * HubSpot action's token store and rate limiter). Throws `FmlConfigError` for a URL that is not Redis's
 * or time limits that cannot work.
 */
export function redisConnectionFromUrl(
  url: string,
  options: Pick<
    RedisTokenStoreFromUrlOptions,
    'loadRedis' | 'connectTimeoutMs' | 'commandTimeoutMs' | 'breakerPauseMs'
  > = {},
): RedisCommandRunner & { close(): Promise<void> } {
  if (!isRedisUrl(url)) {
    throw new FmlConfigError(
      'redisTokenStoreFromUrl needs a redis://, rediss:// or (a cluster) redis+cluster:// URL (is the REDIS_URL secret set?).',
    );
  }
  const { loadRedis = loadRedisPackage, connectTimeoutMs = 2000, commandTimeoutMs, breakerPauseMs } = options;
  const limits = checkTimeLimits({ commandTimeoutMs, breakerPauseMs });
  return lazyConnection(
    url.trim(),
    loadRedis,
    checkTimeLimits({ commandTimeoutMs: connectTimeoutMs }).timeoutMs,
    limits.timeoutMs,
    limits.pauseMs,
  );
}

/**
 * @internal A command runner that connects on first use, reconnects after a failure, and never holds the
 * process open while idle: its sockets are unref'd once, at connect (node-redis keeps them so across
 * reconnects), and a command in flight holds the process by its time limit's timer. (Not a ref() per
 * command: on a socket that is not connected, a dead server's, each one adds a `connect` listener.)
 *
 * Loading the `redis` package happens first and outside every time limit: a cold `require('redis')` on a
 * busy machine can take longer than a command may, and is not Redis being slow. Then connecting gets
 * `connectTimeoutMs` and the command `timeoutMs` (./time-limit): node-redis's own connectTimeout covers
 * only the TCP connect, and a server that accepts but never answers would otherwise hang its handshake
 * and every command forever. After a failure Redis is skipped for `pauseMs` (the circuit breaker), so
 * the callers' local fallback costs one timeout per outage, not one per command.
 */
export function lazyConnection(
  url: string,
  loadRedis: () => RedisPackageLike | Promise<RedisPackageLike>,
  connectTimeoutMs: number,
  timeoutMs = DEFAULT_COMMAND_TIMEOUT_MS,
  pauseMs = 30_000,
): RedisCommandRunner & { close(): Promise<void> } {
  // A cluster URL is checked now, not at first use: a bad one is a configuration error, not an outage.
  const cluster = clusterUrlOptions(url);
  let loading: Promise<RedisPackageLike> | undefined;
  let opening: Promise<LazyClient> | undefined;
  let current: LazyClient | undefined;
  const breaker = createCircuitBreaker(pauseMs);

  const load = (): Promise<RedisPackageLike> =>
    (loading ??= Promise.resolve()
      .then(loadRedis)
      .then((loaded) => {
        const pkg =
          typeof loaded?.createClient === 'function' ? loaded : (loaded as { default?: RedisPackageLike })?.default;
        const name = cluster ? 'createCluster' : 'createClient';
        if (typeof pkg?.[name] !== 'function')
          throw new FmlConfigError(`The \`redis\` package has no ${name}(): redis v4+ is needed.`);
        return pkg;
      })
      .catch((error: unknown) => {
        loading = undefined; // try again on the next call
        throw error;
      }));

  const open = async (pkg: RedisPackageLike): Promise<LazyClient> => {
    let refused: unknown;
    // Fail fast rather than queue commands behind a dead connection: the caller falls back or fails.
    // (A cluster gives these to every node's connection.)
    const options = {
      disableOfflineQueue: true,
      socket: {
        connectTimeout: connectTimeoutMs,
        // A refused password will be refused again: report it as what it is, not as "unreachable".
        reconnectStrategy: (retries: number) =>
          refused ? refused : retries >= 2 ? new Error('Redis unreachable') : 100,
      },
    };
    let client: LazyClient;
    // biome-ignore-start lint/style/noNonNullAssertion: load() refuses a package without createCluster for a cluster URL
    if (cluster)
      client = clusterAsClient(
        pkg.createCluster!({
          rootNodes: cluster.rootNodes,
          defaults: { ...cluster.defaults, ...options, socket: { ...cluster.defaults.socket, ...options.socket } },
        }),
      );
    else client = pkg.createClient({ url, ...options });
    // biome-ignore-end lint/style/noNonNullAssertion: load() refuses a package without createCluster for a cluster URL
    current = client;
    // node-redis emits 'error' for every failed (re)connect; with no listener Node would crash the process.
    // The failure surfaces on the command instead.
    client.on('error', (error) => {
      if (isAuthFailure(error)) refused = error;
    });
    try {
      await client.connect();
    } catch (error) {
      throw refused ?? error;
    }
    client.unref?.();
    return client;
  };

  const connected = async (pkg: RedisPackageLike): Promise<LazyClient> => {
    opening ??= open(pkg);
    const pending = opening;
    let client: LazyClient;
    try {
      client = await pending;
    } catch (error) {
      if (opening === pending) opening = undefined; // try again on the next call
      throw error;
    }
    if (!client.isOpen) {
      // Dropped after a timeout: that caller has gone, and must not leave a new connection behind.
      if (opening !== pending) throw new Error('Redis connection dropped');
      opening = undefined;
      return connected(pkg);
    }
    return client;
  };

  /** Drops the connection (open or still handshaking) so the next use after the pause starts afresh. */
  const drop = () => {
    const client = current;
    opening = current = undefined;
    try {
      void client?.disconnect?.()?.catch(() => undefined);
    } catch {
      // already closed
    }
  };

  return {
    [GUARDED]: true,
    async redisCommand(args) {
      breaker.enter();
      try {
        const pkg = await load();
        const client = await withTimeLimit(connected(pkg), connectTimeoutMs, 'Redis connect', drop);
        const reply = await withTimeLimit(client.sendCommand(args), timeoutMs, 'Redis', drop);
        breaker.success();
        return reply;
      } catch (error) {
        // Any failure pauses Redis here: the callers fall back to a local cache, which is always safe.
        breaker.failure();
        throw error;
      }
    },
    async close() {
      const client = current;
      opening = current = undefined;
      // A client still handshaking (a silent server) cannot QUIT: it is cut off instead (as a cluster always is).
      if (client?.isReady !== false && client?.isOpen)
        await (client.quit?.() ?? client.disconnect?.())?.catch(() => undefined);
      else await client?.disconnect?.()?.catch(() => undefined);
    },
  } as RedisCommandRunner & { close(): Promise<void> };
}

/**
 * @internal `require('redis')` in CommonJS (HubSpot's runtime), `import('redis')` in ESM. The name is a variable
 * so bundlers leave it alone: the package must come from the runtime, never from our bundle.
 */
export async function loadRedisPackage(): Promise<RedisPackageLike> {
  const name = 'redis';
  try {
    // `module.require`, not `require`: bundlers wrap a bare `require` in a shim (bytes the HubSpot action
    // cannot spare) that throws in ESM; in ESM there is no `module`, so `import()` is used instead.
    const cjs = typeof module === 'object' ? module : undefined;
    if (typeof cjs?.require === 'function') return cjs.require(name) as RedisPackageLike;
    return (await import(/* @vite-ignore */ name)) as RedisPackageLike;
  } catch {
    throw new FmlConfigError(
      'REDIS_URL is set but the `redis` package (v4+) could not be loaded. Install it (npm i redis), or in HubSpot use a runtime that allows it.',
    );
  }
}
