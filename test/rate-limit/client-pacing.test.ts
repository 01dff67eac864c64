// FmlClient's pacing, end to end against the sandbox (which enforces FML's limits itself, on the same
// injected clock): the limiter is never mocked; the only thing injected is time.
import { afterEach, describe, expect, it } from 'vitest';
import {
  FmlClient,
  FmlConfigError,
  MemoryRateLimitStore,
  RateLimitError,
  RateLimitWaitError,
  type FmlClientOptions,
} from '../../src/index';
import { startSandbox, type RequestLogEntry, type Sandbox, type SandboxOptions } from '../../src/sandbox/index';
import { virtualClock } from '../helpers/virtual-clock';
import { busiestWindow } from '../helpers/busiest-window';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

const body = (i: number) => ({
  customerEmail: `c${i}@acme.example`,
  companyName: `Acme ${i}`,
  crmRecordId: String(i),
  crmSource: 'hubspot',
  sendInvite: false,
});

/** A sandbox and a client on one virtual clock; `arrivals` are the sandbox's receive times of API calls. */
async function setup(sandbox: SandboxOptions = {}, client: FmlClientOptions = {}) {
  const { clock, elapsed } = virtualClock(Date.now());
  const log: (RequestLogEntry & { at: number })[] = [];
  sb = await startSandbox({ now: clock.now, onRequest: (e) => void log.push({ ...e, at: clock.now() }), ...sandbox });
  const fml = new FmlClient({
    baseUrl: sb.url,
    clientId: sb.clientId,
    clientSecret: sb.clientSecret,
    clock,
    ...client,
  });
  const api = () => log.filter((e) => e.path !== '/v1/oauth/token');
  return { clock, elapsed, fml, api };
}

describe('FmlClient rateLimit (on by default)', () => {
  it("keeps a client under FML's published 120/min against a sandbox enforcing it: 130 creates, not one 429", async () => {
    const { fml, api, elapsed } = await setup();
    for (let i = 0; i < 130; i++) await fml.cases.create(body(i), { idempotencyKey: `pace-${i}` });
    expect(
      api()
        .map((e) => e.status)
        .filter((s) => s !== 201),
    ).toEqual([]);
    expect(api()).toHaveLength(130);
    expect(
      busiestWindow(
        api().map((e) => e.at),
        60_000,
      ),
    ).toBe(120);
    // The 121st waited for the first answer to be a minute old: a window, not a bucket's 0.5 s refill.
    expect(elapsed()).toBeGreaterThanOrEqual(60_000);
  });

  it('without pacing (rateLimit: false) the same burst is throttled by the server', async () => {
    const { fml, api } = await setup({}, { rateLimit: false, maxRetries: 0 });
    const results = await Promise.allSettled(
      Array.from({ length: 125 }, (_, i) => fml.cases.create(body(i), { idempotencyKey: `raw-${i}` })),
    );
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof RateLimitError)).toHaveLength(5);
    expect(api().filter((e) => e.status === 429)).toHaveLength(5);
  });

  it('paces concurrent calls on real time too (a virtual clock would jump past requests still in flight), and token mints draw on their own budget', async () => {
    // Real time, one-second windows: the assertions hold however slow the machine is (a slow answer only
    // frees its slot later); only the run's length depends on it.
    const log: (RequestLogEntry & { at: number })[] = [];
    sb = await startSandbox({
      rateLimit: { limit: 4, windowSeconds: 1 },
      onRequest: (e) => void log.push({ ...e, at: Date.now() }),
    });
    const fml = new FmlClient({
      baseUrl: sb.url,
      clientId: sb.clientId,
      clientSecret: sb.clientSecret,
      rateLimit: { requests: { limit: 4, windowMs: 1000 }, tokens: { limit: 1, windowMs: 60_000 } },
    });
    await Promise.all(Array.from({ length: 10 }, (_, i) => fml.cases.create(body(i), { idempotencyKey: `c-${i}` })));
    const api = log.filter((e) => e.path === '/v1/cases');
    expect(api.map((e) => e.status)).toEqual(Array(10).fill(201));
    expect(
      busiestWindow(
        api.map((e) => e.at),
        1000,
      ),
    ).toBeLessThanOrEqual(4);
    expect(log.filter((e) => e.path === '/v1/oauth/token')).toHaveLength(1);
  });

  it('never waits past the deadline: no slot in time fails at once with RateLimitWaitError, and nothing is sent', async () => {
    const { fml, api, elapsed } = await setup(
      {},
      { rateLimit: { requests: { limit: 2, windowMs: 60_000 } }, deadlineMs: 5000 },
    );
    await fml.cases.create(body(1), { idempotencyKey: 'd-1' });
    await fml.cases.create(body(2), { idempotencyKey: 'd-2' });
    const before = elapsed();
    const error = await fml.cases.create(body(3), { idempotencyKey: 'd-3' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitWaitError);
    expect(error).toMatchObject({ code: 'rate_limit_wait', budget: 'requests', reason: 'window' });
    expect((error as RateLimitWaitError).retryAfterMs).toBeGreaterThan(5000);
    expect(elapsed()).toBe(before);
    expect(api()).toHaveLength(2);
    // The same call with room in its deadline waits for the slot instead.
    await expect(fml.cases.create(body(3), { idempotencyKey: 'd-3', deadlineMs: 120_000 })).resolves.toMatchObject({
      status: 201,
    });
  });

  it("a 429's Retry-After pauses every client sharing the store, not only the call that got it", async () => {
    const { clock, api, elapsed } = await setup();
    const store = new MemoryRateLimitStore({ clock });
    const client = (extra: FmlClientOptions) =>
      new FmlClient({
        baseUrl: sb!.url,
        clientId: sb!.clientId,
        clientSecret: sb!.clientSecret,
        clock,
        rateLimit: { store },
        ...extra,
      });
    const [first, second] = [client({ maxRetries: 0 }), client({ deadlineMs: 3000 })];
    await second.cases.create(body(0), { idempotencyKey: 'r-0' }); // the second client's token, minted before the 429
    sb!.faults.rateLimit(7, { path: '/v1/cases', times: 1 });
    await expect(first.cases.create(body(1), { idempotencyKey: 'r-1' })).rejects.toBeInstanceOf(RateLimitError);
    // Another client of the fleet: its 3 s deadline cannot outlast the pause, so it is not even sent...
    const error = await second.cases.create(body(2), { idempotencyKey: 'r-2' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitWaitError);
    expect(error).toMatchObject({ reason: 'retry_after', retryAfterMs: 7000 });
    expect(api().filter((e) => e.method === 'POST')).toHaveLength(2);
    // ...and without one, it waits the pause out and goes.
    const before = elapsed();
    await expect(second.cases.create(body(2), { idempotencyKey: 'r-2', deadlineMs: 60_000 })).resolves.toMatchObject({
      status: 201,
    });
    expect(elapsed() - before).toBe(7000);
  });

  it('a store that fails (Redis down) costs pacing, not the call: sent unpaced, with a warning', async () => {
    const lines: string[] = [];
    const down = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    const { fml, api } = await setup(
      {},
      {
        rateLimit: { store: { take: down, settle: down, block: down } },
        logger: { warn: (m: string) => void lines.push(m) },
      },
    );
    await expect(fml.cases.create(body(1), { idempotencyKey: 'f-1' })).resolves.toMatchObject({ status: 201 });
    expect(api()).toHaveLength(1);
    expect(lines.join('\n')).toMatch(/rate limit store failed, sending unpaced: Error: connect ECONNREFUSED/);
  });

  it('a store that keeps failing (an outage, a failover) warns once per 10 s with the count since, not once per request', async () => {
    const lines: string[] = [];
    const down = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    const { fml, clock } = await setup(
      {},
      {
        rateLimit: { store: { take: down, settle: down, block: down } },
        logger: { warn: (m: string) => void lines.push(m) },
      },
    );
    const warnings = () => lines.filter((l) => l.includes('rate limit store failed'));
    for (let i = 0; i < 5; i++) await fml.cases.create(body(i), { idempotencyKey: `o-${i}` });
    expect(warnings()).toHaveLength(1);
    await clock.sleep(10_000);
    await fml.cases.create(body(5), { idempotencyKey: 'o-5' });
    expect(warnings()).toHaveLength(2);
    // Each create failed a take and a settle; the token mint's take and settle the first time.
    expect(warnings()[1]).toMatch(/\(and \d+ more since the last warning\)$/);
  });

  it('refuses an unusable rateLimit option with FmlConfigError', () => {
    const base = { clientId: 'pk_test_x', clientSecret: 'sk_test_x' };
    for (const rateLimit of [
      5,
      'on',
      { requests: { limit: 0, windowMs: 1000 } },
      { tokens: { limit: 2, windowMs: -1 } },
      { store: {} },
    ] as unknown[]) {
      expect(() => new FmlClient({ ...base, rateLimit } as FmlClientOptions)).toThrow(FmlConfigError);
    }
  });
});
