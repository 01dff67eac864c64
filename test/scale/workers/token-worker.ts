// A worker process of the multi-process token test: one FmlClient on a shared RedisTokenStore, cold
// cache, `count` concurrent creates once the parent says go. Reports outcomes, never tokens.
import { FmlClient } from '../../../src/client';
import { FmlError } from '../../../src/errors';
import { RedisTokenStore } from '../../../src/redis/index';
import { connectRedis, nextMessage, tell } from './connect';

interface Config {
  sandboxUrl: string;
  clientId: string;
  clientSecret: string;
  redisUrl: string;
  kind: 'redis' | 'ioredis';
  worker: number;
  count: number;
  prefix: string;
  lockTtlMs: number;
  /** `memory`: each process its own cache (the comparison the benchmark draws). @default 'redis' */
  store?: 'redis' | 'memory';
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.FML_WORKER_CONFIG ?? '{}') as Config;
  const redis = await connectRedis(config.kind, config.redisUrl);
  const tokenStore = config.store === 'memory' ? undefined : new RedisTokenStore(redis.client, { prefix: config.prefix, lockTtlMs: config.lockTtlMs, pollIntervalMs: 10 });
  const fml = new FmlClient({ clientId: config.clientId, clientSecret: config.clientSecret, baseUrl: config.sandboxUrl, tokenStore, retryBaseDelayMs: 20, maxRetries: 4 });
  await tell({ type: 'ready' });
  await nextMessage('go');
  const results = await Promise.allSettled(
    Array.from({ length: config.count }, (_, i) => {
      const id = `w${config.worker}-${i}`;
      return fml.cases.create({ customerEmail: `${id}@example.com`, companyName: `Company ${id}`, crmRecordId: id, crmSource: 'hubspot', sendInvite: false });
    }),
  );
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [{ name: (r.reason as Error)?.name, code: r.reason instanceof FmlError ? r.reason.code : undefined, typed: r.reason instanceof FmlError }] : []));
  const caseIds = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.case.caseId] : []));
  await tell({ type: 'done', worker: config.worker, ok: caseIds.length, caseIds, failures });
  await redis.close();
  process.disconnect?.();
}

main().catch(async (error: unknown) => {
  await tell({ type: 'crashed', message: String((error as Error)?.message ?? error) }).catch(() => undefined);
  process.exit(1);
});
