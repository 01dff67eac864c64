import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedisServer } from '../helpers/redis-server';
import { nodeRedis } from './redis-clients';
import { type SoakResult, runSoak } from './soak';

// The short soak (`npm run soak` runs the full 2,000). Numbers are outcomes, not timings.
let redis: RedisServer;
let result: SoakResult;
beforeAll(async () => {
  redis = await startRedisServer();
  result = await runSoak({
    creates: 400,
    concurrency: 24,
    faultRate: 0.2,
    clients: 4,
    replicas: 3,
    redis: { url: redis.url, connect: (url) => nodeRedis.connect(url) },
  });
  if (process.env.SOAK_PRINT) console.log(JSON.stringify(result, null, 1));
}, 60_000);
afterAll(async () => {
  await redis?.stop();
});

describe('fault soak (short): 400 creates and their webhooks, ~20% of requests faulted', () => {
  it('really injected faults of every kind, on the API and the token endpoint', () => {
    const c = result.creates;
    expect(c.faultsInjected / c.requests).toBeGreaterThan(0.1);
    for (const kind of ['reset', 'lose-response', 'truncate', 'status', 'rate-limit', 'delay'])
      expect(c.faultsByKind[kind], kind).toBeGreaterThan(0);
    expect(Object.keys(c.faultsByKind).some((k) => k.endsWith('(token)'))).toBe(true);
  });

  it('ends every create in a case or a typed FmlError, with zero duplicates and zero lost', () => {
    const c = result.creates;
    expect(c.untypedErrors).toBe(0);
    expect(c.succeeded + c.typedErrors).toBe(c.calls);
    expect(c.duplicates).toBe(0);
    expect(c.replayMismatches).toBe(0);
    expect(c.lost).toBe(0);
    expect(c.casesInSandbox).toBe(c.calls);
  });

  it('applies every webhook event exactly once despite faults, retries and redeliveries', () => {
    const w = result.webhooks;
    expect(w.events).toBeGreaterThanOrEqual(400);
    expect(w.deliveries).toBeGreaterThan(w.events);
    expect(w.faultsInjected).toBeGreaterThan(0);
    expect(w.appliedTwice).toBe(0);
    expect(w.notApplied).toBe(0);
  });

  it('raised no unhandled rejection', () => {
    expect(result.unhandledRejections).toBe(0);
  });
});
