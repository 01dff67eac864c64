import nock from 'nock';
import { describe, expect, it, vi } from 'vitest';
import {
  AuthenticationError,
  BadRequestError,
  FmlAbortError,
  FmlConfigError,
  FmlError,
  ServerError,
  ValidationError,
  createFmlFetch,
} from '../../src/index';
import { BASE, caseBody, makeClient, memoryLogger, validCreate, useNock } from '../helpers/fml-nock';

const mocked = useNock({ withToken: true });
const token = { count: () => mocked.token().count() };

describe('instanceof across copies of the SDK', () => {
  it('recognises errors made by another copy of the error classes (another entry point, bundle or realm)', async () => {
    const a = await import('../../src/errors');
    vi.resetModules();
    const b = await import('../../src/errors');
    expect(b.ValidationError).not.toBe(a.ValidationError);
    const error = new a.ValidationError({ fields: [] });
    expect(error instanceof b.ValidationError).toBe(true);
    expect(error instanceof b.FmlApiError).toBe(true);
    expect(error instanceof b.FmlError).toBe(true);
    expect(error instanceof b.ServerError).toBe(false);
    expect(new Error('plain') instanceof b.FmlError).toBe(false);
    expect({ code: 'validation_error' } instanceof b.ValidationError).toBe(false);
  });
});

describe('paths', () => {
  it.each(['.', '..'])('refuses the id %j, which URL normalisation would turn into another endpoint', async (id) => {
    await expect(makeClient().cases.get(id)).rejects.toMatchObject({
      code: 'validation_error',
      fields: [{ field: 'caseId' }],
    });
    expect(token.count()).toBe(0);
  });

  it('fml.api requires the path parameters in its types, and its fetch sends the token to no other origin', async () => {
    const fml = makeClient();
    // @ts-expect-error — `{caseId}` needs `params: { path: { caseId } }`
    void (() => fml.api.GET('/v1/cases/{caseId}'));
    await expect(
      createFmlFetch({ clientId: 'pk_test', clientSecret: 'sk_test', baseUrl: BASE, env: {} })(
        'https://elsewhere.example/v1/cases',
      ),
    ).rejects.toBeInstanceOf(FmlConfigError);
    expect(token.count()).toBe(0);
  });
});

describe('lists', () => {
  it('turns a page without a data array into an invalid_response error, not a TypeError', async () => {
    nock(BASE).get('/v1/cases').query(true).reply(200, { items: [] });
    const error = await makeClient()
      .cases.list()
      .toArray()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FmlError);
    expect(error).toMatchObject({ code: 'invalid_response' });
  });

  it('toArray(limit) fetches no page beyond the one that fills the limit', async () => {
    let pages = 0;
    nock(BASE)
      .get('/v1/cases')
      .query(true)
      .times(3)
      .reply(200, () => {
        pages++;
        return { data: [caseBody(), caseBody()], nextCursor: `c${pages}`, hasMore: true };
      });
    expect(await makeClient().cases.list().toArray(2)).toHaveLength(2);
    expect(pages).toBe(1);
    expect(await makeClient().cases.list().toArray(0)).toEqual([]);
    expect(pages).toBe(1);
  });

  it('refuses a date-time string without an offset (it would be read in the local time zone)', () => {
    expect(() => makeClient().cases.list({ updatedSince: '2026-01-01T00:00:00' })).toThrow(/offset/);
    expect(() => makeClient().cases.list({ updatedSince: '2026-01-01' })).not.toThrow();
  });
});

describe('create', () => {
  it('hands back the generated Idempotency-Key on a failure, so a manual retry reuses it', async () => {
    const keys: string[] = [];
    nock(BASE)
      .post('/v1/cases')
      .times(3)
      .matchHeader('idempotency-key', (k) => {
        keys.push(k);
        return true;
      })
      .reply(503, {});
    const error = (await makeClient()
      .cases.create(validCreate)
      .catch((e: unknown) => e)) as ServerError;
    expect(error).toBeInstanceOf(ServerError);
    expect(error.idempotencyKey).toBe(keys[0]);
    expect(JSON.parse(JSON.stringify(error)).idempotencyKey).toBe(keys[0]);
  });

  it('reports Idempotent-Replay: false on a 201 as a new case', async () => {
    nock(BASE).post('/v1/cases').reply(201, caseBody(), { 'Idempotent-Replay': 'false' });
    expect((await makeClient().cases.create(validCreate)).replayed).toBe(false);
  });
});

describe('transport', () => {
  it('honours Retry-After on a 503 too', async () => {
    const { lines, logger } = memoryLogger();
    nock(BASE).get('/v1/cases/C1').reply(503, {}, { 'Retry-After': '2' }).get('/v1/cases/C1').reply(200, caseBody());
    await makeClient({ logger, logLevel: 'info', maxRetryAfterMs: 30 }).cases.get('C1');
    expect(lines.some((l) => l.includes('retrying in 30 ms'))).toBe(true);
  });

  it('logs the final failure at warn, so logger: console shows it by default', async () => {
    const { lines, logger } = memoryLogger();
    nock(BASE).get('/v1/cases/C1').times(3).reply(500, {});
    await makeClient({ logger })
      .cases.get('C1')
      .catch(() => {});
    expect(lines.filter((l) => l.startsWith('warn'))).toHaveLength(1);
    expect(lines[0]).toMatch(/failed after 3 attempts: server_error/);
  });

  it('starts no token mint for a call whose signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(makeClient().cases.get('C1', { signal: controller.signal })).rejects.toBeInstanceOf(FmlAbortError);
    expect(token.count()).toBe(0);
  });

  it('aborts every call of the client through its own signal', async () => {
    nock(BASE).get('/v1/cases/C1').delay(5_000).reply(200, caseBody());
    const controller = new AbortController();
    const pending = makeClient({ signal: controller.signal }).cases.get('C1');
    const timer = setTimeout(() => controller.abort(), 10);
    await expect(pending).rejects.toBeInstanceOf(FmlAbortError);
    clearTimeout(timer);
  });

  it('refuses unusable headers and options before anything is sent', async () => {
    expect(() => makeClient({ defaultHeaders: { 'x-note': 'price €5' } })).toThrow(FmlConfigError);
    expect(() => makeClient({ defaultHeaders: { 'bad name': 'x' } })).toThrow(/header name/);
    expect(() => makeClient({ maxRetries: 1.5 })).toThrow(/whole number/);
    expect(() => makeClient({ timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => makeClient({ maxRetryAfterMs: 2 ** 31 })).toThrow(/maxRetryAfterMs/);
    await expect(makeClient().cases.get('C1', { headers: { 'x-a': 'line\nbreak' } })).rejects.toBeInstanceOf(
      FmlConfigError,
    );
    expect(token.count()).toBe(0);
  });
});

describe('token endpoint errors say what happened', () => {
  it('maps a 401 other than invalid_client to AuthenticationError without claiming a re-mint', async () => {
    nock.cleanAll();
    nock(BASE).post('/v1/oauth/token').reply(401, { error: 'unauthorized_client' });
    const error = (await makeClient()
      .cases.get('C1')
      .catch((e: unknown) => e)) as AuthenticationError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).not.toMatch(/even after/);
  });

  it('maps a 400 invalid_request to BadRequestError, not a field-less ValidationError', async () => {
    nock.cleanAll();
    nock(BASE)
      .post('/v1/oauth/token')
      .reply(400, { error: 'invalid_request', error_description: 'grant_type missing' });
    const error = await makeClient()
      .cases.get('C1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as Error).message).toContain('grant_type missing');
  });
});

describe('configuration mistakes get messages that name the fix', () => {
  it('refuses a baseUrl that ends in the API version', () => {
    expect(() => makeClient({ baseUrl: `${BASE}/v1/` })).toThrow(/without the API version/);
  });

  it('turns a 404 from the token endpoint into a configuration error about the address', async () => {
    nock.cleanAll();
    nock(BASE).post('/v1/oauth/token').reply(404, { error: 'not_found' });
    const error = await makeClient()
      .cases.get('C1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FmlConfigError);
    expect((error as Error).message).toMatch(/no FML token endpoint.*baseUrl/);
  });

  it('refuses a non-string status filter', () => {
    expect(() => makeClient().cases.list({ status: 7 as unknown as string })).toThrow(ValidationError);
  });
});

describe('logging', () => {
  it('logs to the console when only FML_LOG is set, with no trailing undefined', async () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    try {
      nock(BASE).get('/v1/cases/C1').reply(200, caseBody());
      await makeClient({ env: { FML_LOG: 'info' } }).cases.get('C1');
      expect(info).toHaveBeenCalledWith(expect.stringContaining('minting an access token'));
      expect(info.mock.calls.every((args) => !args.includes(undefined))).toBe(true);
    } finally {
      info.mockRestore();
    }
  });
});
