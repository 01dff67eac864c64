import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { api, manualClock, mint } from './helpers';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

describe('API rate limit', () => {
  it('allows 120 requests per minute per client, then 429 rate_limited with Retry-After seconds', async () => {
    const clock = manualClock();
    sb = await startSandbox({ now: clock.now });
    const call = api(sb, await mint(sb));
    for (let i = 0; i < 120; i++) {
      clock.advance(10);
      expect((await call('/v1/cases')).status).toBe(200);
    }
    const limited = await call('/v1/cases');
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ error: 'rate_limited' });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);

    // A second client is not throttled by the first one's traffic.
    const other = sb.createClient();
    expect((await api(sb, await mint(sb, other))('/v1/cases')).status).toBe(200);

    clock.advance(retryAfter * 1000);
    expect((await call('/v1/cases')).status).toBe(200);
  });

  it('takes a custom limit and window, and can be turned off', async () => {
    const clock = manualClock();
    sb = await startSandbox({ now: clock.now, rateLimit: { limit: 3, windowSeconds: 10 } });
    const call = api(sb, await mint(sb));
    for (let i = 0; i < 3; i++) expect((await call('/v1/events')).status).toBe(200);
    const limited = await call('/v1/events');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBe(10);
    await sb.close();

    sb = await startSandbox({ rateLimit: false });
    const free = api(sb, await mint(sb));
    for (let i = 0; i < 150; i++) expect((await free('/v1/cases?limit=1')).status).toBe(200);
  });
});
