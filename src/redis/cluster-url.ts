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
    throw new FmlConfigError(`A ${scheme}+cluster:// URL names its nodes as host:port, separated by commas (e.g. ${scheme}+cluster://:password@node1:6379,node2:6379).`);
  }
  if (path && path !== '/' && path !== '/0') throw new FmlConfigError('A Redis Cluster has only database 0: remove the /<db> from the cluster URL.');
  let who: URL;
  try {
    who = new URL(`redis://${auth ?? ''}@x`); // decodes the credentials as node-redis decodes a URL's
  } catch {
    throw new FmlConfigError('The user name or password of the cluster URL is not valid in a URL: percent-encode it (encodeURIComponent).');
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
  quit(): Promise<unknown>;
  disconnect(): Promise<unknown>;
  /** node-redis's nodes, each with its client (a promise while it connects). */
  readonly nodeByAddress?: ReadonlyMap<string, { client?: unknown }>;
}

interface Refable {
  ref?(): void;
  unref?(): void;
}

/**
 * A cluster client in the shape of a single `redis` client (`sendCommand(args)`), for a URL-opened
 * connection: commands are routed by key (and nudged after a failover) by {@link nodeRedisClusterSender},
 * and while no command is in flight every node's socket is unref'd, so an idle cluster never holds a
 * script or a Lambda open. Counted here, not by the caller, because the sender's own nudges count too.
 */
export function clusterAsClient(cluster: LazyClusterLike) {
  let busy = 0;
  const refs = () => {
    for (const node of cluster.nodeByAddress?.values() ?? []) {
      const client = node.client as (Refable & Partial<PromiseLike<Refable>>) | undefined;
      const set = (c: Refable | undefined) => (busy ? c?.ref?.() : c?.unref?.());
      if (typeof client?.then === 'function') client.then(set, () => undefined);
      else set(client);
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
    sendCommand(key, readonly, args) {
      if (busy++ === 0) refs();
      return cluster.sendCommand(key, readonly, args).finally(() => --busy || refs());
    },
  });
  return {
    get isOpen() {
      return cluster.isOpen !== false;
    },
    connect: () => cluster.connect(),
    sendCommand: send,
    on: (event: 'error', listener: (error: unknown) => void) => cluster.on(event, listener),
    unref: () => void (busy || refs()),
    quit: () => cluster.quit(),
    disconnect: () => cluster.disconnect(),
  };
}
