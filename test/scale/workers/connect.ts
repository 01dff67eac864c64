// Shared by the worker scripts: connect the Redis client library the parent asked for.
import { Cluster, Redis } from 'ioredis';
import { createClient, createCluster } from 'redis';
import { clusterUrlOptions } from '../../../src/redis/cluster-url';
import type { RedisClientLike } from '../../../src/redis/index';

/** A single client of either library, or (with a `redis+cluster://` URL) the cluster client of either. */
export type WorkerRedisKind = 'redis' | 'ioredis' | 'redis-cluster' | 'ioredis-cluster';

export interface WorkerRedis {
  client: RedisClientLike;
  raw(args: string[]): Promise<unknown>;
  close(): Promise<void>;
}

export async function connectRedis(kind: WorkerRedisKind, url: string): Promise<WorkerRedis> {
  if (kind === 'redis-cluster' || kind === 'ioredis-cluster') return connectCluster(kind, url);
  if (kind === 'ioredis') {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    client.on('error', () => undefined);
    await client.connect();
    return {
      client,
      raw: ([name, ...rest]) => client.call(name!, ...rest),
      close: async () => void (await client.quit().catch(() => undefined)),
    };
  }
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  return {
    client,
    raw: (args) => client.sendCommand(args),
    close: async () => void (await client.quit().catch(() => undefined)),
  };
}

/** A cluster client on the seeds (and password) of a `redis+cluster://` URL, as a user would make one. */
async function connectCluster(kind: 'redis-cluster' | 'ioredis-cluster', url: string): Promise<WorkerRedis> {
  const { rootNodes, defaults } = clusterUrlOptions(url)!;
  if (kind === 'ioredis-cluster') {
    const seeds = rootNodes.map(({ url: u }) => ({ host: new URL(u).hostname, port: Number(new URL(u).port) }));
    const client = new Cluster(seeds, {
      lazyConnect: true,
      redisOptions: { password: defaults.password, maxRetriesPerRequest: 1 },
    });
    client.on('error', () => undefined);
    await client.connect();
    return {
      client,
      raw: ([name, ...rest]) => client.call(name!, ...rest),
      close: async () => void (await client.quit().catch(() => undefined)),
    };
  }
  const client = createCluster({ rootNodes, defaults: { password: defaults.password } });
  client.on('error', () => undefined);
  await client.connect();
  // node-redis routes a raw command by the key it is given: the first argument after the name.
  return {
    client,
    raw: (args) => client.sendCommand(args[1], false, args),
    close: async () => void (await client.quit().catch(() => undefined)),
  };
}

/** Node's process warnings this worker saw (a MaxListenersExceededWarning...): the parent fails the run on any. */
export const processWarnings: string[] = [];
process.on('warning', (warning) => void processWarnings.push(`${warning.name}: ${warning.message}`));

/** Sends a message to the parent and resolves once it is written. */
export function tell(message: unknown): Promise<void> {
  return new Promise((resolve) => process.send!(message, () => resolve()));
}

/** Resolves with the first parent message of `type`. */
export function nextMessage<T extends { type: string }>(type: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: T) => {
      if (m?.type !== type) return;
      process.off('message', on);
      resolve(m);
    };
    process.on('message', on);
  });
}
