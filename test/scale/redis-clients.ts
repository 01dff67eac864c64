import { Cluster, Redis } from 'ioredis';
import { createClient, createCluster } from 'redis';
import { firstKey } from '../../src/redis/cluster';
import type { RedisClientLike } from '../../src/redis/index';

/** One of the two Redis clients the SDK supports, connected to `url`. */
export interface ConnectedClient {
  client: RedisClientLike;
  /** Raw commands for the test's own inspection of Redis. */
  raw(args: string[]): Promise<unknown>;
  close(): Promise<void>;
}

export interface ClientKind {
  name: string;
  connect(url: string): Promise<ConnectedClient>;
}

export const nodeRedis: ClientKind = {
  name: 'redis@4',
  async connect(url) {
    const client = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy: false } });
    client.on('error', () => undefined);
    await client.connect();
    return {
      client,
      raw: (args) => client.sendCommand(args),
      close: async () => {
        if (client.isOpen) await client.quit().catch(() => undefined);
      },
    };
  },
};

/** An ioredis client or Cluster as the tests use it: raw commands through `call`, a quiet close. */
function ioRedisConnected(client: Redis | Cluster): ConnectedClient {
  return {
    client,
    raw: ([name, ...rest]) => client.call(name!, ...rest),
    close: async () => {
      // A Cluster is cut off, not QUIT: a node of it may have been killed by the test.
      if (client instanceof Cluster) client.disconnect();
      else if (client.status !== 'end') await client.quit().catch(() => undefined);
    },
  };
}

export const ioRedis: ClientKind = {
  name: 'ioredis@5',
  async connect(url) {
    const client = new Redis(url, {
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
      lazyConnect: true,
    });
    client.on('error', () => undefined);
    await client.connect();
    return ioRedisConnected(client);
  },
};

export const clientKinds: ClientKind[] = [nodeRedis, ioRedis];

/** One of the two cluster clients the SDK supports, connected to a cluster's seed nodes. */
export interface ClusterKind {
  name: string;
  connect(
    rootNodes: ReadonlyArray<{ host: string; port: number }>,
    options?: { password?: string },
  ): Promise<ConnectedClient>;
}

export const nodeRedisCluster: ClusterKind = {
  name: 'redis@4 createCluster',
  async connect(rootNodes, { password } = {}) {
    const client = createCluster({
      rootNodes: rootNodes.map(({ host, port }) => ({ url: `redis://${host}:${port}` })),
      defaults: password ? { password } : {},
    });
    client.on('error', () => undefined);
    await client.connect();
    return {
      client,
      // The test's own raw commands route by their key, as the SDK's do.
      raw: (args) => client.sendCommand(firstKey(args), false, args),
      // Not quit(): node-redis's cluster QUIT never settles for a node still reconnecting (a killed master).
      close: async () => {
        if (client.isOpen) await client.disconnect().catch(() => undefined);
      },
    };
  },
};

export const ioRedisCluster: ClusterKind = {
  name: 'ioredis@5 Cluster',
  async connect(rootNodes, { password } = {}) {
    const client = new Cluster(
      rootNodes.map((n) => ({ ...n })),
      { lazyConnect: true, redisOptions: password ? { password } : {} },
    );
    client.on('error', () => undefined);
    await client.connect();
    return ioRedisConnected(client);
  },
};

export const clusterKinds: ClusterKind[] = [nodeRedisCluster, ioRedisCluster];
