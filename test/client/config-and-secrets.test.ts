import nock from 'nock';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FmlClient, FmlConfigError, VERSION } from '../../src/index';
import { BASE, CLIENT_SECRET, caseBody, makeClient, memoryLogger, validCreate, useNock } from '../helpers/fml-nock';
import pkg from '../../package.json' with { type: 'json' };

const ACCESS_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.ACCESS_TOKEN_SECRET.sig';

useNock();

describe('configuration', () => {
  it('reads credentials and base URL from FML_* variables', async () => {
    nock('https://staging.fml.test')
      .post('/v1/oauth/token', { grant_type: 'client_credentials', client_id: 'pk_env', client_secret: 'sk_env' })
      .reply(200, { access_token: 't', token_type: 'Bearer', expires_in: 3600 });
    nock('https://staging.fml.test').get('/v1/cases/C1').reply(200, caseBody());
    const fml = new FmlClient({
      env: { FML_CLIENT_ID: 'pk_env', FML_CLIENT_SECRET: 'sk_env', FML_BASE_URL: 'https://staging.fml.test/' },
    });
    expect(fml.baseUrl).toBe('https://staging.fml.test');
    await expect(fml.cases.get('C1')).resolves.toBeTruthy();
  });

  it('names the missing variable at construction', () => {
    expect(() => new FmlClient({ env: {} })).toThrow(/FML_CLIENT_ID/);
    expect(() => new FmlClient({ env: { FML_CLIENT_ID: 'pk' } })).toThrow(/FML_CLIENT_SECRET/);
    expect(() => new FmlClient({ env: { FML_CLIENT_ID: 'pk', FML_CLIENT_SECRET: '  ' } })).toThrow(FmlConfigError);
  });

  it('rejects nonsense options at construction', () => {
    expect(() => makeClient({ baseUrl: 'ftp://x' })).toThrow(/baseUrl/);
    expect(() => makeClient({ timeoutMs: -1 })).toThrow(/timeoutMs/);
  });

  it('keeps VERSION in step with package.json', () => {
    expect(VERSION).toBe(pkg.version);
  });
});

describe('secrets never leak', () => {
  function leaks(text: string) {
    return text.includes(CLIENT_SECRET) || text.includes('ACCESS_TOKEN_SECRET');
  }

  it('hides the secret and token from util.inspect and JSON of the client', async () => {
    nock(BASE)
      .post('/v1/oauth/token')
      .reply(200, { access_token: ACCESS_TOKEN, token_type: 'Bearer', expires_in: 3600 });
    nock(BASE).get('/v1/cases/C1').reply(200, caseBody());
    const fml = makeClient();
    await fml.cases.get('C1'); // so a token is cached
    expect(leaks(inspect(fml, { depth: 10, showHidden: true }))).toBe(false);
    expect(leaks(JSON.stringify(fml))).toBe(false);
    expect(leaks(inspect(fml.cases, { depth: 10, showHidden: true }))).toBe(false);
  });

  it('redacts the secret, the bearer and the token from debug logs', async () => {
    const { lines, logger } = memoryLogger();
    nock(BASE)
      .post('/v1/oauth/token')
      .reply(200, { access_token: ACCESS_TOKEN, token_type: 'Bearer', expires_in: 3600 });
    nock(BASE).post('/v1/cases').reply(201, caseBody());
    await makeClient({ logger, logLevel: 'debug' }).cases.create(validCreate);
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(lines.some((l) => l.includes('"client_secret":"***"'))).toBe(true);
    expect(lines.some((l) => l.includes('"authorization":"***"'))).toBe(true);
    expect(lines.filter(leaks)).toEqual([]);
  });

  it('keeps secrets out of every error on every failure path', async () => {
    const errors: unknown[] = [];
    nock(BASE).post('/v1/oauth/token').reply(401, { error: 'invalid_client', client_secret: CLIENT_SECRET });
    errors.push(
      await makeClient()
        .cases.get('C1')
        .catch((e: unknown) => e),
    );
    nock(BASE)
      .post('/v1/oauth/token')
      .times(3)
      .reply(200, { access_token: ACCESS_TOKEN, token_type: 'Bearer', expires_in: 3600 });
    nock(BASE).get('/v1/cases/C1').times(2).reply(401, { error: 'invalid_token', token: ACCESS_TOKEN });
    errors.push(
      await makeClient()
        .cases.get('C1')
        .catch((e: unknown) => e),
    );
    nock(BASE).get('/v1/cases/C2').times(3).replyWithError({ code: 'ECONNRESET', message: 'reset' });
    errors.push(
      await makeClient()
        .cases.get('C2')
        .catch((e: unknown) => e),
    );
    expect(errors).toHaveLength(3);
    for (const error of errors) {
      expect(error).toBeInstanceOf(Error);
      const e = error as Error;
      for (const text of [e.message, String(e.stack), inspect(e, { depth: 10, showHidden: true }), JSON.stringify(e)])
        expect(leaks(text)).toBe(false);
    }
  });
});
