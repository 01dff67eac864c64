import createClient from 'openapi-fetch';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFmlFetch, FmlClient, type components, type paths } from '../../src/index';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';

// The README's openapi-fetch recipe, against the sandbox and its fault switches: bare openapi-fetch over
// createFmlFetch, and the client's own fml.api, share the engine's retries and token handling.
let sb: Sandbox;
let sent: { method: string; path: string; key: string | null; auth: string | null }[];

/** The real fetch, recording what went on the wire. */
const recording: typeof fetch = async (input, init) => {
  const request = new Request(input, init);
  sent.push({
    method: request.method,
    path: new URL(request.url).pathname,
    key: request.headers.get('idempotency-key'),
    auth: request.headers.get('authorization'),
  });
  return fetch(request);
};

const options = () => ({
  clientId: sb.clientId,
  clientSecret: sb.clientSecret,
  baseUrl: sb.url,
  fetch: recording,
  retryBaseDelayMs: 5,
  env: {},
});
const body = (id: string) =>
  ({
    customerEmail: `kyb+${id}@acme.example`,
    companyName: `Acme ${id}`,
    crmRecordId: id,
    crmSource: 'hubspot',
    sendInvite: false,
  }) as const;
const creates = () => sent.filter((s) => s.method === 'POST' && s.path === '/v1/cases');
const mints = () => sent.filter((s) => s.path === '/v1/oauth/token');

beforeEach(async () => {
  sent = [];
  sb = await startSandbox({ webhookRetryDelaysMs: [], rateLimit: false, tokenRateLimit: false });
});
afterEach(() => sb.close());

describe.each([
  [
    'openapi-fetch over createFmlFetch',
    () => createClient<paths>({ baseUrl: sb.url, fetch: createFmlFetch(options()) }),
  ],
  ['fml.api', () => new FmlClient(options()).api],
])('%s against the sandbox', (_name, makeApi) => {
  it('retries a 503 with the same Idempotency-Key and makes one case', async () => {
    const api = makeApi();
    sb.faults.add({ kind: 'status', status: 503, method: 'POST', path: '/v1/cases', times: 1 });
    const { data, error, response } = await api.POST('/v1/cases', {
      body: body('901'),
      params: { header: { 'Idempotency-Key': 'hubspot-901' } },
    });
    expect(error).toBeUndefined();
    expect(response.status).toBe(201);
    const kase: components['schemas']['Case'] | undefined = data;
    expect(kase?.crmRecordId).toBe('901');
    expect(creates().map((c) => c.key)).toEqual(['hubspot-901', 'hubspot-901']);
    expect(sb.cases.filter((c) => c.crmRecordId === '901')).toHaveLength(1);
  });

  it('gives a keyless POST one generated key across its retries, so a lost answer still makes one case', async () => {
    const api = makeApi();
    sb.faults.add({ kind: 'lose-response', method: 'POST', path: '/v1/cases', times: 1 });
    const { response } = await api.POST('/v1/cases', { body: body('902') } as never);
    expect([200, 201]).toContain(response.status);
    const keys = creates().map((c) => c.key);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^fml-/);
    expect(keys[1]).toBe(keys[0]);
    expect(sb.cases.filter((c) => c.crmRecordId === '902')).toHaveLength(1);
  });

  it('re-mints once when the cached token went stale, and retries the call once', async () => {
    const api = makeApi();
    await api.GET('/v1/cases', { params: { query: { limit: 1 } } });
    expect(mints()).toHaveLength(1);
    sb.expireTokens();
    const { data, response } = await api.GET('/v1/cases', { params: { query: { limit: 1 } } });
    expect(response.status).toBe(200);
    expect(Array.isArray(data?.data)).toBe(true);
    expect(mints()).toHaveLength(2);
    const reads = sent.filter((s) => s.path === '/v1/cases');
    expect(reads).toHaveLength(3); // the first read, the refused one, the retry with the new token
    expect(reads[2]!.auth).not.toBe(reads[1]!.auth);
  });

  it('returns error answers as openapi-fetch does (typed error body), after no retry for a 404', async () => {
    const api = makeApi();
    const { data, error, response } = await api.GET('/v1/cases/{caseId}', { params: { path: { caseId: 'CS-NOPE' } } });
    expect(data).toBeUndefined();
    expect(response.status).toBe(404);
    expect(error).toMatchObject({ error: 'not_found' });
    expect(sent.filter((s) => s.path.startsWith('/v1/cases/'))).toHaveLength(1);
  });
});
