import { FmlConfigError } from '../errors';
import { type NodeRedisClusterLike, nodeRedisClusterSender } from './cluster';

// A Redis Cluster named by one URL, for the places that take a URL (redisTokenStoreFromUrl, the
// HubSpot action's REDIS_URL secret):
//
//   redis+cluster://[user[:password]@]host[:port][,host[:port]...]     (rediss+cluster:// for TLS)
//
// The hosts are seeds: any one that answers gives the client the whole slot map (CLUSTER SLOTS), so a
// managed cluster's one configuration/discovery endpoint (ElastiCache, Memorystore, Azure) is enough.
// A comma list of seeds is how Lettuce and redis-url-plus spell several hosts; the `+cluster` suffix
// keeps `redis://` meaning "one server" everywhere, and `rediss+` says TLS like `rediss://` does.
// The credentials go to every node the map names, not only to the seeds (node-redis's `defaults`).

/** A URL the URL-taking stores accept: one server (`redis://`, `rediss://`) or a cluster (`redis+cluster://`, `rediss+cluster://`). */
export function isRedisUrl(url: unknown): url is string {
  return typeof url === 'string' && /^rediss?(\+cluster)?:\/\/./.test(url.trim());
}

/** What `createCluster(...)` of the `redis` package is given for a cluster URL. */
export interface ClusterUrlOptions {
  rootNodes: Array<{ url: string }>;
  defaults: { username?: string; password?: string; socket?: { tls: true } };
}

/**
 * The `createCluster` options a `redis+cluster://` / `rediss+cluster://` URL names, or `undefined` for
 * any other URL. Throws {@link FmlConfigError} (never quoting the URL: it may hold a password) for a
 * cluster URL without a usable seed, or naming a database other than 0 (a cluster has only database 0).
 */
export function clusterUrlOptions(url: string): ClusterUrlOptions | undefined {
  const m = /^(rediss?)\+cluster:\/\/(?:([^/?#]*)@)?([^/?#]*)([^?#]*)/.exec(url.trim());
  if (!m) return undefined;
  const [, scheme, auth, hosts = '', path] = m;
  const seeds = hosts.split(',');
  if (!seeds.every((s) => /^(\[[\da-f:.]+\]|[^\s:[\]@]+)(:\d{1,5})?$/i.test(s))) {
    throw new FmlConfigError(
      `A ${scheme}+cluster:// URL names its nodes as host:port, separated by commas (e.g. ${scheme}+cluster://:password@node1:6379,node2:6379).`,
    );
  }
  if (path && path !== '/' && path !== '/0')
    throw new FmlConfigError('A Redis Cluster has only database 0: remove the /<db> from the cluster URL.');
  let who: URL;
  try {
    who = new URL(`redis://${auth ?? ''}@x`); // decodes the credentials as node-redis decodes a URL's
  } catch {
    throw new FmlConfigError(
      'The user name or password of the cluster URL is not valid in a URL: percent-encode it (encodeURIComponent).',
    );
  }
  const defaults: ClusterUrlOptions['defaults'] = {};
  if (who.username) defaults.username = decodeURIComponent(who.username);
  if (who.password) defaults.password = decodeURIComponent(who.password);
  if (scheme === 'rediss') defaults.socket = { tls: true };
  return { rootNodes: seeds.map((seed) => ({ url: `${scheme}://${seed}` })), defaults };
}

/** The part of a node-redis cluster client (`createCluster(...)`) a URL-opened connection uses. */
export interface LazyClusterLike extends NodeRedisClusterLike {
  connect(): Promise<unknown>;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  disconnect(): Promise<unknown>;
  /** node-redis's nodes, each with its client (a promise while it connects). */
  readonly nodeByAddress?: ReadonlyMap<string, { client?: unknown }>;
}

interface Unrefable {
  unref?(): void;
}

/**
 * A cluster client in the shape of a single `redis` client (`sendCommand(args)`), for a URL-opened
 * connection: commands are routed by key (and nudged after a failover) by {@link nodeRedisClusterSender}.
 * Every node's client is unref'd once, when first seen (after connecting, and after each command, whose
 * slot-map reads may have added nodes): node-redis keeps a client unref'd across its reconnects, so an
 * idle cluster never holds a script or a Lambda open, and a command in flight holds it by its time
 * limit's timer (lazyConnection, ./from-url). Once, not per command: `unref()` on a socket that is not
 * connected (a dead master's) adds a `connect` listener to it each time.
 */
export function clusterAsClient(cluster: LazyClusterLike) {
  const seen = new WeakSet<object>();
  const unref = () => {
    for (const { client } of cluster.nodeByAddress?.values() ?? []) {
      const c = client as (Unrefable & Partial<PromiseLike<Unrefable>>) | undefined;
      if (!c || seen.has(c)) continue;
      seen.add(c);
      // Still connecting: node-redis hands out the promise of the client, then the client itself.
      if (typeof c.then === 'function')
        c.then(
          (ready) => ready.unref?.(),
          () => undefined,
        );
      else c.unref?.();
    }
  };
  const send = nodeRedisClusterSender({
    get slots() {
      return cluster.slots;
    },
    get masters() {
      return cluster.masters;
    },
    get isOpen() {
      return cluster.isOpen;
    },
    sendCommand: (key, readonly, args) => cluster.sendCommand(key, readonly, args).finally(unref),
  });
  return {
    get isOpen() {
      return cluster.isOpen !== false;
    },
    connect: () => cluster.connect(),
    sendCommand: send,
    on: (event: 'error', listener: (error: unknown) => void) => cluster.on(event, listener),
    unref,
    // No quit(): node-redis's cluster QUIT never settles for a node that is reconnecting (a master that
    // just died), so close() disconnects instead.
    disconnect: () => cluster.disconnect(),
  };
}
