// A worker process of the multi-process token tests: FmlClients on a shared RedisTokenStore, cold cache.
// - `burst` (default): `count` concurrent creates once the parent says go, on one client.
// - `run`: until the parent says stop, batches of `count` creates, each batch on a NEW client (a cold
//   "invocation", which reads the shared token from Redis first). A create that fails is retried with the
//   same idempotency key — what a caller does with a typed error — so nothing is lost or created twice.
// Reports outcomes (and each failure's type and how long it took), never tokens.
import { FmlClient } from '../../../src/client';
import { FmlError } from '../../../src/errors';
import { RedisRateLimitStore } from '../../../src/internal/rate-limit';
import { RedisTokenStore, redisTokenStoreFromUrl } from '../../../src/redis/index';
import { type WorkerRedisKind, connectRedis, nextMessage, processWarnings, tell } from './connect';

interface Config {
  sandboxUrl: string;
  clientId: string;
  clientSecret: string;
  redisUrl: string;
  /** A client of that kind, or `url`: `redisTokenStoreFromUrl(redisUrl)` opens its own. */
  kind: WorkerRedisKind | 'url';
  worker: number;
  count: number;
  prefix: string;
  lockTtlMs: number;
  /** `memory`: each process its own cache (the comparison the benchmark draws). @default 'redis' */
  store?: 'redis' | 'memory';
  /** @default 'burst' */
  mode?: 'burst' | 'run';
  /** Passed to the store. @default the store's own */
  breakerPauseMs?: number;
  /** Passed to the token store. @default the store's own (1 s) */
  commandTimeoutMs?: number;
  /** Passed to the store (it is `true` by default only for `url`). */
  fallbackToLocal?: boolean;
  /**
   * Pace the API calls to this rule with a `RedisRateLimitStore` on the same Redis client (not `url`),
   * shared by every process of the fleet. @default no pacing (`rateLimit: false`)
   */
  pace?: { limit: number; windowMs: number };
}

/** One failed attempt, as the caller saw it. */
export interface AttemptFailure {
  name: string | undefined;
  code: string | undefined;
  typed: boolean;
  /** How long the attempt took to fail, in ms (a hang would show here). */
  ms: number;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.FML_WORKER_CONFIG ?? '{}') as Config;
  const storeOptions = {
    prefix: config.prefix,
    lockTtlMs: config.lockTtlMs,
    pollIntervalMs: 10,
    breakerPauseMs: config.breakerPauseMs,
    commandTimeoutMs: config.commandTimeoutMs,
    fallbackToLocal: config.fallbackToLocal,
  };
  const redis =
    config.kind === 'url' || config.store === 'memory' ? undefined : await connectRedis(config.kind, config.redisUrl);
  const tokenStore =
    config.store === 'memory'
      ? undefined
      : redis
        ? new RedisTokenStore(redis.client, storeOptions)
        : redisTokenStoreFromUrl(config.redisUrl, storeOptions);
  // Store failures are counted, not hidden: the limiter then sends unpaced (and FML's 429 is the backstop).
  const storeErrors: string[] = [];
  // A roomy command time limit: a busy machine's slow answer must not turn pacing off.
  const rateLimit =
    config.pace && redis
      ? {
          store: new RedisRateLimitStore(redis.client, { prefix: config.prefix, commandTimeoutMs: 10_000 }),
          requests: config.pace,
          onStoreError: (e: unknown) => void storeErrors.push(String(e)),
        }
      : false;
  // Unpaced runs are about tokens: their sandbox has no API rate limit.
  const client = () =>
    new FmlClient({
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      baseUrl: config.sandboxUrl,
      tokenStore,
      retryBaseDelayMs: 20,
      maxRetries: 4,
      rateLimit,
    });
  const create = (fml: FmlClient, id: string) =>
    fml.cases.create(
      {
        customerEmail: `${id}@example.com`,
        companyName: `Company ${id}`,
        crmRecordId: id,
        crmSource: 'hubspot',
        sendInvite: false,
      },
      { idempotencyKey: `mp-${id}` },
    );
  await tell({ type: 'ready' });
  await nextMessage('go');

  if (config.mode === 'run') {
    let stopping = false;
    void nextMessage('stop').then(() => (stopping = true));
    const failures: AttemptFailure[] = [];
    const caseIds: string[] = [];
    for (let batch = 0; !stopping; batch++) {
      const fml = client();
      const ids = Array.from({ length: config.count }, (_, i) => `w${config.worker}-b${batch}-${i}`);
      caseIds.push(...(await Promise.all(ids.map((id) => untilCreated(() => create(fml, id), failures)))));
      await tell({ type: 'progress', created: caseIds.length });
    }
    await tell({
      type: 'done',
      worker: config.worker,
      ok: caseIds.length,
      caseIds,
      failures,
      storeErrors,
      warnings: processWarnings,
    });
  } else {
    const fml = client();
    const results = await Promise.allSettled(
      Array.from({ length: config.count }, (_, i) => create(fml, `w${config.worker}-${i}`)),
    );
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [failureOf(r.reason, 0)] : []));
    const caseIds = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.case.caseId] : []));
    await tell({
      type: 'done',
      worker: config.worker,
      ok: caseIds.length,
      caseIds,
      failures,
      storeErrors,
      warnings: processWarnings,
    });
  }
  await redis?.close();
  await (tokenStore as { close?: () => Promise<void> } | undefined)?.close?.();
  process.disconnect?.();
}

/** Creates until it succeeds; an untyped error (a bug) is not retried, it ends the worker. */
async function untilCreated(
  create: () => Promise<{ case: { caseId: string } }>,
  failures: AttemptFailure[],
): Promise<string> {
  for (;;) {
    const started = Date.now();
    try {
      return (await create()).case.caseId;
    } catch (error) {
      failures.push(failureOf(error, Date.now() - started));
      if (!(error instanceof FmlError)) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function failureOf(error: unknown, ms: number): AttemptFailure {
  return {
    name: (error as Error)?.name,
    code: error instanceof FmlError ? error.code : undefined,
    typed: error instanceof FmlError,
    ms,
  };
}

main().catch(async (error: unknown) => {
  await tell({ type: 'crashed', message: String((error as Error)?.message ?? error) }).catch(() => undefined);
  process.exit(1);
});
