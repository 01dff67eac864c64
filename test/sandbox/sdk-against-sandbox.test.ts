import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FmlClient, InsufficientScopeError, NotFoundError } from '../../src/index';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { loadOpenApiValidator, type RequestRecord, type ResponseRecord } from '../helpers/openapi-validator';

// The SDK client against the sandbox: every request the SDK sends and every answer it gets must
// match openapi.yaml, and a create whose response is lost must still make exactly one case.
const spec = loadOpenApiValidator();

let sb: Sandbox;
let requests: RequestRecord[];
let responses: ResponseRecord[];

/** A fetch that records each request and response, then behaves exactly like the real one. */
const capturingFetch: typeof fetch = async (input, init) => {
  const request = new Request(input, init);
  const body = request.body ? await request.clone().text() : null;
  requests.push({ method: request.method, url: request.url, headers: request.headers, body });
  const res = await fetch(request);
  const text = await res.clone().text();
  responses.push({
    method: request.method,
    path: new URL(request.url).pathname,
    status: res.status,
    headers: res.headers,
    body: text,
  });
  return res;
};

const client = (creds: { clientId: string; clientSecret: string } = sb) =>
  new FmlClient({
    clientId: creds.clientId,
    clientSecret: creds.clientSecret,
    baseUrl: sb.url,
    fetch: capturingFetch,
    retryBaseDelayMs: 10,
    env: {},
  });

const hubspotCase = (id: string) => ({
  customerEmail: `kyb+${id}@acme.example`,
  customerName: 'Jane Doe',
  companyName: `Acme ${id}`,
  country: 'United Kingdom',
  crmRecordId: id,
  crmSource: 'hubspot',
  sendInvite: true,
});

beforeEach(async () => {
  requests = [];
  responses = [];
  sb = await startSandbox({ webhookRetryDelaysMs: [] });
});
afterEach(async () => {
  await sb.close();
  // Whatever the test did, every exchange must match the contract.
  expect(requests.flatMap((r) => spec.requestProblems(r))).toEqual([]);
  expect(responses.flatMap((r) => spec.responseProblems(r))).toEqual([]);
});

describe('FmlClient against the sandbox', () => {
  it('creates, replays by key and by crmRecordId, gets, lists across pages and reads events', async () => {
    const fml = client();
    const created = await fml.cases.create(hubspotCase('101'), { idempotencyKey: 'hubspot-101' });
    expect(created).toMatchObject({ status: 201, replayed: false, idempotencyKey: 'hubspot-101' });
    expect(created.requestId).toMatch(/^req_/);

    const byKey = await fml.cases.create(hubspotCase('101'), { idempotencyKey: 'hubspot-101' });
    expect(byKey.replayed).toBe('idempotency-key');
    expect(byKey.case).toEqual(created.case);

    const byCrm = await fml.cases.create(hubspotCase('101'), { idempotencyKey: 'another-key' });
    expect(byCrm).toMatchObject({ status: 200, replayed: 'crm-record-id' });
    expect(byCrm.case.caseId).toBe(created.case.caseId);

    for (const id of ['102', '103', '104', '105']) await fml.cases.create(hubspotCase(id));
    expect(sb.cases).toHaveLength(5);

    expect(await fml.cases.get(created.case.caseId)).toMatchObject({ caseId: created.case.caseId, crmRecordId: '101' });

    const listed = await fml.cases.list({ limit: 2, updatedSince: new Date(0) }).toArray();
    expect(listed.map((c) => c.crmRecordId)).toEqual(['101', '102', '103', '104', '105']);
    expect(requests.filter((r) => new URL(r.url).pathname === '/v1/cases' && r.method === 'GET')).toHaveLength(3);

    sb.advanceCase(created.case.caseId, 'approved');
    const events = await fml.events.list({ limit: 7, type: 'case.status.changed' }).toArray();
    expect(events.map((e) => [e.caseId, (e as { status?: string }).status])).toContainEqual([
      created.case.caseId,
      'approved',
    ]);
    expect(events).toHaveLength(6);

    // One token for the whole session.
    expect(requests.filter((r) => r.url.endsWith('/v1/oauth/token'))).toHaveLength(1);
  });

  it('retries a create whose response was lost with the same key, and ends with exactly one case', async () => {
    const fml = client();
    sb.faults.loseResponse();
    const result = await fml.cases.create(hubspotCase('201'));
    expect(sb.cases).toHaveLength(1);
    expect(result.case.caseId).toBe(sb.cases[0]!.caseId);
    expect(result.replayed).toBe('idempotency-key');
    const creates = requests.filter((r) => r.method === 'POST' && new URL(r.url).pathname === '/v1/cases');
    expect(creates).toHaveLength(2);
    const keys = creates.map((r) => new Headers(r.headers as Headers).get('idempotency-key'));
    expect(keys[0]).toBeTruthy();
    expect(keys[1]).toBe(keys[0]);
    expect(keys[0]).toBe(result.idempotencyKey);
  });

  it('recovers from connection resets, 503s and 429s, and re-mints after the token is revoked server-side', async () => {
    const fml = client();
    await fml.cases.create(hubspotCase('301'));
    sb.faults.resetConnection({ path: '/v1/cases', method: 'GET' });
    sb.faults.serverError(503, { path: '/v1/cases', method: 'GET' });
    expect((await fml.cases.list().firstPage()).data).toHaveLength(1);

    sb.faults.rateLimit(0, { path: '/v1/events' });
    expect((await fml.events.list().firstPage()).data.length).toBeGreaterThan(0);

    sb.expireTokens();
    expect((await fml.cases.list().firstPage()).data).toHaveLength(1);
    expect(requests.filter((r) => r.url.endsWith('/v1/oauth/token'))).toHaveLength(2);
  });

  it('maps tenant isolation to NotFoundError and a missing cases:write scope to InsufficientScopeError', async () => {
    const fml = client();
    const { case: mine } = await fml.cases.create(hubspotCase('401'));
    const other = client(sb.createClient({ orgId: 'org_other' }));
    await expect(other.cases.get(mine.caseId)).rejects.toBeInstanceOf(NotFoundError);
    const reader = client(sb.createClient({ scopes: ['read:cases'] }));
    await expect(reader.cases.create(hubspotCase('402'))).rejects.toBeInstanceOf(InsufficientScopeError);
    expect(sb.cases).toHaveLength(1);
  });
});
