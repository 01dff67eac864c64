import nock from 'nock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidClientError, AuthenticationError, MemoryTokenStore } from '../../src/index';
import { BASE, caseBody, makeClient, mockToken, useNock } from '../helpers/fml-nock';

useNock();
afterEach(() => vi.useRealTimers());

describe('token cache', () => {
  it('mints exactly one token for 1,000 concurrent calls on a cold client', async () => {
    const token = mockToken({ delayMs: 20 });
    const seen = new Set<string>();
    nock(BASE)
      .get(/\/v1\/cases\/.+/)
      .times(1000)
      .reply(200, function (this: nock.ReplyFnContext) {
        seen.add(String(this.req.headers.authorization));
        return caseBody();
      });
    // 1,000 calls at once is past FML's 120/min: pacing off, this is about the token cache alone.
    const fml = makeClient({ rateLimit: false });
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => fml.cases.get(`CS-${i}`)));
    expect(results).toHaveLength(1000);
    expect(token.count()).toBe(1);
    expect([...seen]).toEqual(['Bearer tok_1']);
  });

  it('reuses the token until expires_in minus the skew, then mints a new one', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const token = mockToken({ expiresIn: 3600 });
    nock(BASE).get('/v1/cases/CS-1').times(3).reply(200, caseBody());
    const fml = makeClient({ tokenSkewMs: 60_000 });
    await fml.cases.get('CS-1');
    vi.setSystemTime(Date.now() + (3600 - 61) * 1000);
    await fml.cases.get('CS-1');
    expect(token.count()).toBe(1);
    vi.setSystemTime(Date.now() + 2_000); // now inside the 60 s skew
    await fml.cases.get('CS-1');
    expect(token.count()).toBe(2);
  });

  it('does not cache a failed mint: every waiter gets the error and the next call mints again', async () => {
    nock(BASE).post('/v1/oauth/token').reply(401, { error: 'invalid_client', error_description: 'bad secret' });
    const fml = makeClient();
    const calls = await Promise.allSettled(Array.from({ length: 20 }, () => fml.cases.get('CS-1')));
    expect(calls.every((c) => c.status === 'rejected' && c.reason instanceof InvalidClientError)).toBe(true);
    const token = mockToken();
    nock(BASE).get('/v1/cases/CS-1').reply(200, caseBody());
    await expect(fml.cases.get('CS-1')).resolves.toMatchObject({ caseId: 'CS-2026-00471' });
    expect(token.count()).toBe(1);
  });

  it('on a 401 drops the token, mints once more and retries the call once', async () => {
    const token = mockToken();
    const auths: string[] = [];
    nock(BASE)
      .get('/v1/cases/CS-1')
      .reply(function (this: nock.ReplyFnContext) {
        auths.push(String(this.req.headers.authorization));
        return [401, { error: 'invalid_token' }];
      })
      .get('/v1/cases/CS-1')
      .reply(function (this: nock.ReplyFnContext) {
        auths.push(String(this.req.headers.authorization));
        return [200, caseBody()];
      });
    const fml = makeClient();
    await expect(fml.cases.get('CS-1')).resolves.toMatchObject({ caseId: 'CS-2026-00471' });
    expect(token.count()).toBe(2);
    expect(auths).toEqual(['Bearer tok_1', 'Bearer tok_2']);
  });

  it('gives up with AuthenticationError when the fresh token is refused too', async () => {
    const token = mockToken();
    nock(BASE).get('/v1/cases/CS-1').times(2).reply(401, { error: 'invalid_token' });
    const fml = makeClient();
    const error = await fml.cases.get('CS-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, code: 'authentication_error', apiCode: 'invalid_token' });
    expect(token.count()).toBe(2);
  });

  it('shares one token between clients through a shared tokenStore', async () => {
    const token = mockToken();
    nock(BASE).get('/v1/cases/CS-1').times(2).reply(200, caseBody());
    const store = new MemoryTokenStore();
    await makeClient({ tokenStore: store }).cases.get('CS-1');
    await makeClient({ tokenStore: store }).cases.get('CS-1');
    expect(token.count()).toBe(1);
  });

  it('mints once per store when a store coordinates minting across processes (acquire)', async () => {
    const token = mockToken({ delayMs: 10 });
    nock(BASE).get('/v1/cases/CS-1').times(10).reply(200, caseBody());
    const inner = new MemoryTokenStore();
    let acquired = 0;
    let pending: Promise<import('../../src/index').StoredToken> | undefined;
    const store = {
      get: (k: string) => inner.get(k),
      set: (k: string, t: import('../../src/index').StoredToken) => inner.set(k, t),
      delete: (k: string) => inner.delete(k),
      acquire: (_k: string, mint: () => Promise<import('../../src/index').StoredToken>) => {
        acquired++;
        pending ??= mint();
        return pending;
      },
    };
    const clients = Array.from({ length: 5 }, () => makeClient({ tokenStore: store }));
    await Promise.all(clients.flatMap((c) => [c.cases.get('CS-1'), c.cases.get('CS-1')]));
    expect(acquired).toBe(5); // one per client (process), each single-flighted inside
    expect(token.count()).toBe(1);
  });
});

describe('token cache with a slow shared store', () => {
  /** A MemoryTokenStore that takes `ms` per call, like a store across the network. */
  function slowStore(ms: number) {
    const inner = new MemoryTokenStore();
    const wait = () => new Promise((r) => setTimeout(r, ms));
    return {
      get: async (k: string) => {
        await wait();
        return inner.get(k);
      },
      set: async (k: string, t: import('../../src/index').StoredToken) => {
        await wait();
        return inner.set(k, t);
      },
      delete: async (k: string, only?: string) => {
        await wait();
        return inner.delete(k, only);
      },
    };
  }

  it('never hands back a token FML refused, even while the store is still deleting it', async () => {
    const token = mockToken();
    nock(BASE)
      .get(/\/v1\/cases\/.+/)
      .times(200)
      .reply(function (this: nock.ReplyFnContext) {
        return this.req.headers.authorization === 'Bearer tok_1'
          ? [401, { error: 'invalid_token' }]
          : [200, caseBody()];
      });
    const fml = makeClient({ tokenStore: slowStore(3) });
    await expect(fml.cases.get('CS-0')).resolves.toBeTruthy(); // tok_1 refused → tok_2
    // Revoke tok_2 too, then fire calls spread over time while the re-mint is in flight.
    nock.cleanAll();
    mockToken({ token: () => `tok_${token.count() + 2}` });
    nock(BASE)
      .get(/\/v1\/cases\/.+/)
      .times(500)
      .reply(function (this: nock.ReplyFnContext) {
        return this.req.headers.authorization === 'Bearer tok_2'
          ? [401, { error: 'invalid_token' }]
          : [200, caseBody()];
      });
    const calls = Array.from({ length: 50 }, (_, i) =>
      new Promise((r) => setTimeout(r, i)).then(() => fml.cases.get(`CS-${i}`)),
    );
    const results = await Promise.allSettled(calls);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
  });
});
