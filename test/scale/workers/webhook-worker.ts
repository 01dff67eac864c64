// A worker process of the multi-process webhook test: a Node webhook receiver on a loopback port,
// de-duplicating through Redis. Its side effect is an INCR per event, so the parent can count applications.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRedisEventDeduper } from '../../../src/redis/index';
import { createNodeWebhookHandler } from '../../../src/webhooks/index';
import { type WorkerRedisKind, connectRedis, nextMessage, processWarnings, tell } from './connect';

interface Config {
  redisUrl: string;
  kind: WorkerRedisKind;
  /** Passed to the deduper. @default its own */
  breakerPauseMs?: number;
  worker: number;
  secret: string;
  prefix: string;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.FML_WORKER_CONFIG ?? '{}') as Config;
  const redis = await connectRedis(config.kind, config.redisUrl);
  let handled = 0;
  // Which events this process applied, told to the parent: a count that does not live in the Redis under test.
  const handledIds: string[] = [];
  const handler = createNodeWebhookHandler({
    secret: config.secret,
    dedupe: createRedisEventDeduper(redis.client, {
      prefix: `${config.prefix}seen:`,
      leaseMs: 10_000,
      breakerPauseMs: config.breakerPauseMs,
    }),
    onError: () => undefined,
    onEvent: async (event) => {
      // A little work, so concurrent deliveries of one event overlap for real.
      await new Promise((r) => setTimeout(r, Math.random() * 5));
      await redis.raw(['INCR', `${config.prefix}applied:${event.eventId}`]);
      handled++;
      handledIds.push(event.eventId);
    },
  });
  const server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  await tell({ type: 'ready', port: (server.address() as AddressInfo).port });
  await nextMessage('stop');
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await tell({ type: 'report', worker: config.worker, handled, handledIds, warnings: processWarnings });
  await redis.close();
  process.disconnect?.();
}

main().catch(async (error: unknown) => {
  await tell({ type: 'crashed', message: String((error as Error)?.message ?? error) }).catch(() => undefined);
  process.exit(1);
});
