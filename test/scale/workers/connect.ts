// Shared by the worker scripts: connect the Redis client library the parent asked for.
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import type { RedisClientLike } from '../../../src/redis/index';

export interface WorkerRedis {
  client: RedisClientLike;
  raw(args: string[]): Promise<unknown>;
  close(): Promise<void>;
}

export async function connectRedis(kind: 'redis' | 'ioredis', url: string): Promise<WorkerRedis> {
  if (kind === 'ioredis') {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    client.on('error', () => undefined);
    await client.connect();
    return { client, raw: ([name, ...rest]) => client.call(name!, ...rest), close: async () => void (await client.quit().catch(() => undefined)) };
  }
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  return { client, raw: (args) => client.sendCommand(args), close: async () => void (await client.quit().catch(() => undefined)) };
}

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
