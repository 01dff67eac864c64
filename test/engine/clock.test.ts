// The engine's waits and deadline arithmetic read an injected clock, so retry, backoff, Retry-After and
// deadline behaviour is checked here without sleeping on the wall clock. Faults come from nock (HTTP
// level); the clock (test/helpers/virtual-clock.ts) is the only thing injected.
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { FmlConfigError, RateLimitError, ServerError, type Clock } from '../../src/index';
import { updateCompanyFromEvent } from '../../src/hubspot/index';
import { BASE, caseBody, makeClient, validCreate, useNock } from '../helpers/fml-nock';
import { virtualClock } from '../helpers/virtual-clock';

useNock({ withToken: true });

describe('the engine on an injected clock', () => {
  it('waits the backoff between retries: exponential from retryBaseDelayMs, up to 25% jitter down', async () => {
    const { clock, sleeps } = virtualClock();
    nock(BASE).post('/v1/cases').times(3).reply(503, { error: 'unavailable' });
    nock(BASE).post('/v1/cases').reply(201, caseBody());
    const result = await makeClient({
      clock,
      maxRetries: 3,
      retryBaseDelayMs: 1000,
      retryMaxDelayMs: 3000,
    }).cases.create(validCreate);
    expect(result.status).toBe(201);
    expect(sleeps).toHaveLength(3);
    // 1000, 2000, then 4000 capped at 3000 — each less up to 25% of jitter.
    for (const [i, full] of [1000, 2000, 3000].entries()) {
      expect(sleeps[i]).toBeGreaterThanOrEqual(full * 0.75);
      expect(sleeps[i]).toBeLessThanOrEqual(full);
    }
  });

  it('waits what Retry-After asks, in seconds or as an HTTP date read against the clock, capped by maxRetryAfterMs', async () => {
    const { clock, sleeps } = virtualClock(Date.parse('2026-12-07T10:00:00Z'));
    nock(BASE).post('/v1/cases').reply(429, { error: 'rate_limited' }, { 'Retry-After': '2' });
    nock(BASE).post('/v1/cases').reply(503, {}, { 'Retry-After': 'Mon, 07 Dec 2026 10:00:09 GMT' });
    nock(BASE).post('/v1/cases').reply(429, {}, { 'Retry-After': '3600' });
    nock(BASE).post('/v1/cases').reply(201, caseBody());
    await makeClient({ clock, maxRetries: 3, maxRetryAfterMs: 30_000 }).cases.create(validCreate);
    // 2 s; then the date, 9 s after the start, was 7 s away once the first wait had moved the clock to 10:00:02; then the cap.
    expect(sleeps).toEqual([2000, 7000, 30_000]);
  });

  it('stops with the real failure once the next wait would end past deadlineMs, counted on the clock', async () => {
    const { clock, sleeps, elapsed } = virtualClock();
    let attempts = 0;
    nock(BASE)
      .get('/v1/cases/CS-1')
      .times(10)
      .reply(
        503,
        () => {
          attempts++;
          return { error: 'unavailable' };
        },
        { 'Retry-After': '2' },
      );
    const error = await makeClient({ clock, maxRetries: 10, deadlineMs: 5000 })
      .cases.get('CS-1')
      .catch((e: unknown) => e);
    // Waits of 2 s at 0 s and 2 s fit; a third, from 4 s, would end at 6 s: the 503 is reported at once.
    expect(error).toBeInstanceOf(ServerError);
    expect(sleeps).toEqual([2000, 2000]);
    expect(attempts).toBe(3);
    expect(elapsed()).toBe(4000);
  });

  it('reports the RateLimitError when retries run out, after the waits it asked for', async () => {
    const { clock, sleeps } = virtualClock();
    nock(BASE).get('/v1/cases/CS-1').times(3).reply(429, { error: 'rate_limited' }, { 'Retry-After': '1' });
    const error = await makeClient({ clock, maxRetries: 2 })
      .cases.get('CS-1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(sleeps).toEqual([1000, 1000]);
  });

  it('drives HubSpot calls too (one engine): a 429 with Retry-After is waited on the clock', async () => {
    const { clock, sleeps } = virtualClock();
    const hubspot = 'https://hubspot.test';
    nock(hubspot)
      .patch('/crm/v3/objects/companies/42')
      .reply(429, { status: 'error', policyName: 'TEN_SECONDLY_ROLLING' }, { 'Retry-After': '3' });
    nock(hubspot).patch('/crm/v3/objects/companies/42').reply(200, { id: '42', properties: {} });
    const event = {
      event: 'case.status.changed',
      eventId: 'e-1',
      eventVersion: 1,
      timestamp: '2026-12-07T10:00:00Z',
      orgId: 'o',
      caseId: 'CS-1',
      crmRecordId: '42',
      crmSource: 'hubspot',
      previousStatus: 'in-progress',
      status: 'approved',
    };
    const result = await updateCompanyFromEvent(event as never, {
      accessToken: 'pat-test',
      baseUrl: hubspot,
      clock,
      skipStale: false,
    });
    expect(result).toMatchObject({ outcome: 'updated', companyId: '42' });
    expect(sleeps).toEqual([3000]);
  });

  it('refuses a clock without now() and sleep()', () => {
    expect(() => makeClient({ clock: { now: () => 0 } as unknown as Clock })).toThrow(FmlConfigError);
  });
});
