import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisDedupeStore, RedisStoreError, createRedisEventDeduper } from '../../src/redis/index';
import { createWebhookHandler } from '../../src/webhooks/index';
import { signWebhookBody } from '../../src/webhooks/sign';
import { type RedisServer, startRedisServer } from '../helpers/redis-server';
import { type ConnectedClient, clientKinds } from './redis-clients';

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});

describe.each(clientKinds)('RedisDedupeStore with $name', (kind) => {
  const open: ConnectedClient[] = [];
  const connect = async () => {
    const c = await kind.connect(server.url);
    open.push(c);
    return c;
  };
  let seq = 0;
  const prefix = () => `d${++seq}:${kind.name}:`;
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });

  it('claims once: of 30 replicas claiming the same event at once, exactly one wins', async () => {
    const p = prefix();
    const stores = await Promise.all(
      Array.from({ length: 30 }, async () => new RedisDedupeStore((await connect()).client, { prefix: p })),
    );
    const results = await Promise.all(stores.map((s) => s.claim('evt-1', 10_000)));
    expect(results.filter((r) => r === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r === 'in_progress')).toHaveLength(29);
  });

  it('reports done after markDone, for the TTL given', async () => {
    const c = await connect();
    const p = prefix();
    const a = new RedisDedupeStore(c.client, { prefix: p });
    const b = new RedisDedupeStore((await connect()).client, { prefix: p });
    expect(await a.claim('evt', 10_000)).toBe('claimed');
    await a.markDone('evt', 60_000);
    expect(await b.claim('evt', 10_000)).toBe('done');
    const pttl = Number(await c.raw(['PTTL', `${p}evt`]));
    expect(pttl).toBeGreaterThan(55_000);
    expect(pttl).toBeLessThanOrEqual(60_000);
  });

  it("lets a retry through after release, and after a dead replica's lease lapses", async () => {
    const p = prefix();
    const a = new RedisDedupeStore((await connect()).client, { prefix: p });
    const b = new RedisDedupeStore((await connect()).client, { prefix: p });
    expect(await a.claim('evt', 10_000)).toBe('claimed');
    await a.release('evt');
    // A lease long enough that a busy machine cannot let it lapse before the next line looks...
    expect(await b.claim('evt', 1_500)).toBe('claimed');
    // ...b "dies" holding the claim; until its lease lapses the event is in progress, then a takes it.
    expect(await a.claim('evt', 10_000)).toBe('in_progress');
    await expect.poll(() => a.claim('evt', 10_000), { timeout: 15_000, interval: 100 }).toBe('claimed');
  });

  it('never releases a claim it no longer owns', async () => {
    const c = await connect();
    const p = prefix();
    const a = new RedisDedupeStore(c.client, { prefix: p });
    const b = new RedisDedupeStore((await connect()).client, { prefix: p });
    expect(await a.claim('evt', 50)).toBe('claimed');
    await new Promise((r) => setTimeout(r, 80)); // a's lease lapsed while it was still working...
    expect(await b.claim('evt', 10_000)).toBe('claimed'); // ...and b took the event over
    await a.release('evt'); // a's work failed late: this must not free b's claim
    expect(await a.claim('evt', 10_000)).toBe('in_progress');
  });

  it('keeps key prefixes apart, and prints without the client', async () => {
    const c = await connect();
    const a = new RedisDedupeStore(c.client, { prefix: prefix() });
    const b = new RedisDedupeStore(c.client, { prefix: prefix() });
    expect(await a.claim('evt', 10_000)).toBe('claimed');
    expect(await b.claim('evt', 10_000)).toBe('claimed');
    expect(inspect(a)).toMatch(/^RedisDedupeStore \{ prefix: "d\d+:/);
    expect(Object.keys(JSON.parse(JSON.stringify(a)) as object).sort()).toEqual(['prefix', 'type']);
  });

  it('fails with RedisStoreError when Redis is gone, and the receiver answers 503 so FML retries', async () => {
    const c = await connect();
    const store = new RedisDedupeStore(c.client, { prefix: prefix() });
    await c.close();
    await expect(store.claim('evt', 1000)).rejects.toBeInstanceOf(RedisStoreError);

    const secret = 'whsec_dedupe_gone_secret';
    let handled = 0;
    const handler = createWebhookHandler({
      secret,
      onEvent: () => void handled++,
      dedupe: createRedisEventDeduper(c.client),
      onError: () => undefined,
    });
    const body = JSON.stringify({
      event: 'case.submitted',
      eventId: 'e-gone',
      eventVersion: 1,
      timestamp: new Date().toISOString(),
      orgId: 'org',
      caseId: 'c1',
    });
    const res = await handler(
      new Request('http://x/hook', {
        method: 'POST',
        body,
        headers: { 'x-fml-signature': signWebhookBody(body, secret) },
      }),
    );
    expect(res.status).toBe(503);
    expect(handled).toBe(0);
  });
});

describe('createRedisEventDeduper behind webhook handlers on two "replicas"', () => {
  it('processes each event once, whichever replica gets it; a failed one is processed on retry', async () => {
    const conns = await Promise.all(clientKinds.map((k) => k.connect(server.url)));
    try {
      const secret = 'whsec_two_replicas';
      const handled: string[] = [];
      let failNext = true;
      const onEvent = async (event: { eventId: string }) => {
        if (event.eventId === 'flaky' && failNext) {
          failNext = false;
          throw new Error('downstream hiccup');
        }
        await new Promise((r) => setTimeout(r, 5));
        handled.push(event.eventId);
      };
      const replicas = conns.map((c) =>
        createWebhookHandler({
          secret,
          onEvent,
          dedupe: createRedisEventDeduper(c.client, { prefix: 'replicas:', leaseMs: 5000 }),
          onError: () => undefined,
        }),
      );
      const deliver = (i: number, eventId: string) => {
        const body = JSON.stringify({
          event: 'case.submitted',
          eventId,
          eventVersion: 1,
          timestamp: new Date().toISOString(),
          orgId: 'org',
          caseId: 'c1',
        });
        return replicas[i % 2]!(
          new Request('http://x/hook', {
            method: 'POST',
            body,
            headers: { 'x-fml-signature': signWebhookBody(body, secret) },
          }),
        );
      };
      const ids = Array.from({ length: 50 }, (_, i) => `evt-${i}`);
      // Every event three times, spread over both replicas, all at once.
      const first = await Promise.all(ids.flatMap((id, i) => [deliver(i, id), deliver(i + 1, id), deliver(i, id)]));
      const statuses = first.map((r) => r.status);
      expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
      // Whatever was answered 409 (another replica busy with it) is retried by FML later:
      await Promise.all(ids.map((id, i) => deliver(i, id)));
      expect([...handled].sort()).toEqual([...ids].sort());

      expect((await deliver(0, 'flaky')).status).toBe(500);
      expect((await deliver(1, 'flaky')).status).toBe(200);
      expect((await deliver(0, 'flaky')).status).toBe(200);
      expect(handled.filter((id) => id === 'flaky')).toHaveLength(1);
    } finally {
      await Promise.all(conns.map((c) => c.close()));
    }
  });
});
