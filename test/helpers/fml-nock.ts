import nock from 'nock';
import { afterEach, beforeEach } from 'vitest';
import { FmlClient, type FmlClientOptions } from '../../src/index';

export const BASE = 'https://fml.test';
export const CLIENT_ID = 'pk_test_client';
export const CLIENT_SECRET = 'sk_test_SECRET_never_show_me';

/** A case body as FML sends it. */
export function caseBody(overrides: Record<string, unknown> = {}) {
  return {
    caseId: 'CS-2026-00471',
    customerEmail: 'jane@acme.example',
    customerName: 'Jane Doe',
    companyName: 'Acme Holdings Ltd',
    country: 'United Kingdom',
    entityType: null,
    crmRecordId: '12345678901',
    crmSource: 'hubspot',
    source: 'api',
    status: 'in-progress',
    inviteSentAt: '2026-05-15T09:14:11.421Z',
    customerPortalUrl: 'https://app.firstmilelabs.com/',
    analystUrl: 'https://cases.firstmilelabs.com/?case=CS-2026-00471',
    ...overrides,
  };
}

export const validCreate = {
  customerEmail: 'jane@acme.example',
  customerName: 'Jane Doe',
  companyName: 'Acme Holdings Ltd',
  country: 'United Kingdom',
  crmRecordId: '12345678901',
  crmSource: 'hubspot',
  sendInvite: true,
};

/** Intercepts the token endpoint; `count()` says how many mints reached it. */
export function mockToken(
  options: { token?: string | (() => string); expiresIn?: number; times?: number; delayMs?: number } = {},
) {
  let n = 0;
  const scope = nock(BASE)
    .post('/v1/oauth/token')
    .times(options.times ?? 1000)
    .delay(options.delayMs ?? 0)
    .reply(200, () => {
      n++;
      const token = typeof options.token === 'function' ? options.token() : (options.token ?? `tok_${n}`);
      return {
        access_token: token,
        token_type: 'Bearer',
        expires_in: options.expiresIn ?? 3600,
        scope: 'cases:write read:cases',
      };
    });
  return { scope, count: () => n };
}

/** A client with fast retries (tests assert behaviour, not time). */
export function makeClient(options: FmlClientOptions = {}) {
  return new FmlClient({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    baseUrl: BASE,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 5,
    env: {},
    ...options,
  });
}

/** A logger that keeps every line, for assertions on retries and redaction. */
export function memoryLogger() {
  const lines: string[] = [];
  const put = (level: string) => (message: string, details?: unknown) =>
    lines.push(`${level} ${message} ${details === undefined ? '' : JSON.stringify(details)}`);
  return { lines, logger: { debug: put('debug'), info: put('info'), warn: put('warn'), error: put('error') } };
}

/**
 * For a test file: no real network, and no interceptor outliving its test. With `withToken`, every test
 * starts with a token endpoint mocked; `token()` gives that test's mock (to count mints).
 */
export function useNock(options: { withToken?: boolean } = {}) {
  let token: ReturnType<typeof mockToken> | undefined;
  beforeEach(() => {
    nock.disableNetConnect();
    if (options.withToken) token = mockToken();
  });
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });
  return { token: () => token! };
}
