import nock from 'nock';
import { describe, expect, it } from 'vitest';
import {
  FmlAbortError,
  FmlConnectionError,
  FmlTimeoutError,
  IdempotencyKeyConflictError,
  InsufficientScopeError,
  RateLimitError,
  ServerError,
  ValidationError,
  createFmlFetch,
} from '../../src/index';
import { BASE, caseBody, makeClient, memoryLogger, validCreate, useNock } from '../helpers/fml-nock';
import { virtualClock } from '../helpers/virtual-clock';

useNock({ withToken: true });

/** Intercepts POST /v1/cases with a sequence of replies, recording each attempt's Idempotency-Key. */
function createSequence(replies: ((scope: nock.Interceptor) => nock.Scope)[]) {
  const keys: string[] = [];
  for (const reply of replies) {
    reply(
      nock(BASE)
        .post('/v1/cases')
        .matchHeader('idempotency-key', (v) => {
          keys.push(v);
          return true;
        }),
    );
  }
  return keys;
}

describe('retries', () => {
  it('retries a create after a connection reset with the same Idempotency-Key', async () => {
    const keys = createSequence([
      (i) => i.replyWithError({ code: 'ECONNRESET', message: 'socket hang up' }),
      (i) => i.reply(201, caseBody()),
    ]);
    const result = await makeClient().cases.create(validCreate, { idempotencyKey: 'hubspot-12345678901' });
    expect(result).toMatchObject({ replayed: false, status: 201, idempotencyKey: 'hubspot-12345678901' });
    expect(keys).toEqual(['hubspot-12345678901', 'hubspot-12345678901']);
  });

  it('generates one key before the first attempt and reuses it after a 503', async () => {
    const keys = createSequence([(i) => i.reply(503, { error: 'unavailable' }), (i) => i.reply(201, caseBody())]);
    const result = await makeClient().cases.create(validCreate);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^fml-[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(result.idempotencyKey).toBe(keys[0]);
  });

  it('gives up after maxRetries and throws the last ServerError', async () => {
    const keys = createSequence([0, 1, 2].map(() => (i: nock.Interceptor) => i.reply(502, 'Bad gateway')));
    const error = await makeClient({ maxRetries: 2 })
      .cases.create(validCreate)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 502, code: 'server_error' });
    expect(keys).toHaveLength(3);
  });

  it.each([
    [400, { error: 'validation_error', fields: [{ field: 'customerEmail', message: 'required' }] }, ValidationError],
    [403, { error: 'insufficient_scope' }, InsufficientScopeError],
    [409, { error: 'idempotency_key_conflict' }, IdempotencyKeyConflictError],
  ])('never retries a %i', async (status, body, type) => {
    const keys = createSequence([(i) => i.reply(status, body), (i) => i.reply(201, caseBody())]);
    await expect(makeClient().cases.create(validCreate)).rejects.toBeInstanceOf(type);
    expect(keys).toHaveLength(1);
  });

  it('honours Retry-After in seconds on a 429', async () => {
    const { lines, logger } = memoryLogger();
    const { clock, sleeps } = virtualClock();
    createSequence([
      (i) => i.reply(429, { error: 'rate_limited' }, { 'Retry-After': '1' }),
      (i) => i.reply(201, caseBody()),
    ]);
    await makeClient({ logger, logLevel: 'info', clock }).cases.create(validCreate);
    expect(lines.some((l) => l.includes('retrying in 1000 ms'))).toBe(true);
    expect(sleeps).toEqual([1000]);
  });

  it('honours Retry-After as an HTTP date, capped by maxRetryAfterMs', async () => {
    const { lines, logger } = memoryLogger();
    const later = new Date(Date.now() + 3_600_000).toUTCString();
    createSequence([(i) => i.reply(429, {}, { 'Retry-After': later }), (i) => i.reply(201, caseBody())]);
    await makeClient({ logger, logLevel: 'info', maxRetryAfterMs: 25 }).cases.create(validCreate);
    expect(lines.some((l) => l.includes('retrying in 25 ms'))).toBe(true);
  });

  it('reports retryAfterMs on the RateLimitError when retries run out', async () => {
    createSequence([(i) => i.reply(429, {}, { 'Retry-After': '7' })]);
    const error = (await makeClient({ maxRetries: 0 })
      .cases.create(validCreate)
      .catch((e: unknown) => e)) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterMs).toBe(7000);
    expect(error.message).toContain('Retry after 7 s');
  });

  it('retries a GET after a timeout, then throws FmlTimeoutError', async () => {
    let attempts = 0;
    nock(BASE)
      .get('/v1/cases/CS-1')
      .times(2)
      .delay(500)
      .reply(200, () => {
        attempts++;
        return caseBody();
      });
    const error = await makeClient({ timeoutMs: 50, maxRetries: 1 })
      .cases.get('CS-1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FmlTimeoutError);
    expect(attempts).toBe(2);
  });

  it('gives a keyless POST sent through createFmlFetch one key, reused by every retry', async () => {
    const keys: string[] = [];
    nock(BASE)
      .post('/v1/cases')
      .times(2)
      .reply(function () {
        keys.push(String(this.req.headers['idempotency-key']));
        return [503, {}];
      });
    nock(BASE)
      .post('/v1/cases')
      .reply(function () {
        keys.push(String(this.req.headers['idempotency-key']));
        return [201, caseBody()];
      });
    const fmlFetch = createFmlFetch({
      clientId: 'pk_test',
      clientSecret: 'sk_test',
      baseUrl: BASE,
      env: {},
      retryBaseDelayMs: 1,
    });
    const res = await fmlFetch('/v1/cases', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(validCreate),
    });
    expect(res.status).toBe(201);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^fml-[0-9a-f-]{36}$/);
  });

  it('throws FmlConnectionError when every attempt fails to connect', async () => {
    nock(BASE).get('/v1/cases/CS-1').times(3).replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' });
    const error = await makeClient()
      .cases.get('CS-1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FmlConnectionError);
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it('stops at once when the caller aborts, even mid-request', async () => {
    nock(BASE).get('/v1/cases/CS-1').delay(5_000).reply(200, caseBody());
    const controller = new AbortController();
    const pending = makeClient().cases.get('CS-1', { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toBeInstanceOf(FmlAbortError);
  });

  it('stops waiting between retries when the caller aborts', async () => {
    nock(BASE).get('/v1/cases/CS-1').reply(503, {});
    const controller = new AbortController();
    // Abort exactly when the client starts its (minute-long) wait before retrying: no timers involved.
    const logger = { info: (message: string) => message.includes('retrying in') && controller.abort() };
    const pending = makeClient({
      retryBaseDelayMs: 60_000,
      retryMaxDelayMs: 60_000,
      logger,
      logLevel: 'info',
    }).cases.get('CS-1', { signal: controller.signal });
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FmlAbortError);
    expect((error as FmlAbortError).cause).toBeInstanceOf(ServerError);
  });

  it('stops at once with the real failure when the next wait would pass the deadline', async () => {
    let attempts = 0;
    nock(BASE)
      .get('/v1/cases/CS-1')
      .times(10)
      .reply(
        429,
        () => {
          attempts++;
          return {};
        },
        { 'Retry-After': '5' },
      );
    const error = await makeClient({ maxRetries: 10, deadlineMs: 2_000 })
      .cases.get('CS-1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(5000);
    expect(attempts).toBe(1);
  });

  it('bounds a hung attempt by deadlineMs', async () => {
    nock(BASE).get('/v1/cases/CS-1').reply(503, {}).get('/v1/cases/CS-1').delay(5_000).reply(200, caseBody());
    const error = await makeClient({ maxRetries: 10, timeoutMs: 60_000, deadlineMs: 300 })
      .cases.get('CS-1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FmlTimeoutError);
    expect((error as Error).message).toMatch(/300 ms deadline/);
  });
});
