import { Redis } from 'ioredis';
import { createClient } from 'redis';
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

export const ioRedis: ClientKind = {
  name: 'ioredis@5',
  async connect(url) {
    const client = new Redis(url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, lazyConnect: true });
    client.on('error', () => undefined);
    await client.connect();
    return {
      client,
      raw: ([name, ...rest]) => client.call(name!, ...rest),
      close: async () => {
        if (client.status !== 'end') await client.quit().catch(() => undefined);
      },
    };
  },
};

export const clientKinds: ClientKind[] = [nodeRedis, ioRedis];
