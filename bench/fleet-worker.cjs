// One process of the fleet bench (bench/fleet.bench.mjs): an FmlClient from the built package, sharing the
// token and — when paced — the rate limiter's log with the other processes through Redis. Creates `count`
// cases at once when the parent says go, and reports how many succeeded (never a token or a secret).
const { FmlClient, idempotencyKey } = require('../dist/index.cjs');
const { RedisRateLimitStore, RedisTokenStore } = require('../dist/redis/index.cjs');
const { createClient } = require('redis');

const config = JSON.parse(process.env.FML_FLEET_WORKER ?? '{}');

async function main() {
  const redis = createClient({ url: config.redisUrl });
  await redis.connect();
  const fml = new FmlClient({
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    baseUrl: config.sandboxUrl,
    env: {},
    tokenStore: new RedisTokenStore(redis, { prefix: config.prefix }),
    rateLimit: config.paced
      ? { store: new RedisRateLimitStore(redis, { prefix: config.prefix }), requests: config.limit }
      : false,
    // Unpaced, the fleet needs many retries to finish at all; paced, it should need none.
    maxRetries: config.paced ? 2 : 50,
    retryBaseDelayMs: 100,
  });
  process.send({ type: 'ready' });
  await new Promise((resolve) => process.once('message', resolve));
  const results = await Promise.allSettled(
    Array.from({ length: config.count }, (_, i) => {
      const id = `w${config.worker}-${i}`;
      const body = {
        customerEmail: `${id}@acme.example`,
        customerName: `Customer ${id}`,
        companyName: `Company ${id} Ltd`,
        country: 'United Kingdom',
        crmRecordId: id,
        crmSource: 'hubspot',
        sendInvite: true,
      };
      return fml.cases.create(body, {
        idempotencyKey: idempotencyKey.forCrmRecord('hubspot', `${config.prefix}${id}`),
      });
    }),
  );
  const failures = results.filter((r) => r.status === 'rejected').map((r) => String(r.reason?.code ?? r.reason?.name));
  process.send({ type: 'done', ok: results.length - failures.length, failures });
  await redis.quit();
  process.disconnect();
}

main().catch((error) => {
  process.send?.({ type: 'crashed', message: String(error?.message ?? error).slice(0, 300) });
  process.exit(1);
});
