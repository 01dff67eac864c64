import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeHubSpot, type FakeHubSpot } from '../../src/sandbox/fake-hubspot';

let hs: FakeHubSpot;
beforeEach(async () => {
  hs = await startFakeHubSpot({ properties: ['fml_case_id'] });
});
afterEach(() => hs.close());

async function call(method: string, path: string, body?: unknown, token: string | null = hs.accessToken) {
  const res = await fetch(`${hs.url}${path}`, {
    method,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
  };
}

describe('fake HubSpot CRM API', () => {
  it("answers 401 with HubSpot's error body without a bearer token, or with a wrong one", async () => {
    const none = await call('GET', '/crm/v3/objects/companies/1', undefined, null);
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({
      status: 'error',
      category: 'INVALID_AUTHENTICATION',
      correlationId: expect.any(String),
      message: expect.stringContaining('Authentication credentials not found'),
    });
    expect((await call('GET', '/crm/v3/objects/companies/1', undefined, 'pat-na1-wrong')).status).toBe(401);
  });

  it('creates, reads and updates Companies; "" clears a value', async () => {
    const made = await call('POST', '/crm/v3/objects/companies', {
      properties: { name: 'Acme', country: 'United Kingdom' },
    });
    expect(made.status).toBe(201);
    const id = made.body!.id as string;
    expect(made.body).toMatchObject({ id, archived: false, properties: { name: 'Acme', hs_object_id: id } });
    const patched = await call('PATCH', `/crm/v3/objects/companies/${id}`, {
      properties: { fml_case_id: 'CS-1', country: '' },
    });
    expect(patched.status).toBe(200);
    const read = await call('GET', `/crm/v3/objects/companies/${id}?properties=fml_case_id,country,name`);
    expect(read.body!.properties).toMatchObject({ fml_case_id: 'CS-1', country: null, name: 'Acme', hs_object_id: id });
    expect((await call('GET', '/crm/v3/objects/companies/999')).body).toMatchObject({ category: 'OBJECT_NOT_FOUND' });
  });

  it('rejects unknown and read-only properties like HubSpot (400 VALIDATION_ERROR) and writes nothing', async () => {
    const c = hs.createCompany({ name: 'Acme' });
    const bad = await call('PATCH', `/crm/v3/objects/companies/${c.id}`, {
      properties: { fml_case_id: 'CS-2', fml_nonsense: 'x' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    expect(bad.body!.message).toContain('PROPERTY_DOESNT_EXIST');
    expect(bad.body!.message).toContain('fml_nonsense');
    expect(c.properties.fml_case_id).toBeUndefined();
    const readOnly = await call('PATCH', `/crm/v3/objects/companies/${c.id}`, { properties: { hs_object_id: '5' } });
    expect(readOnly.body!.message).toContain('READ_ONLY_VALUE');
    expect((await call('PATCH', `/crm/v3/objects/companies/${c.id}`, { name: 'flat' })).status).toBe(400);
    expect(
      (await call('PATCH', `/crm/v3/objects/companies/${c.id}`, { properties: { name: { nested: 1 } } })).status,
    ).toBe(400);
  });

  it('searches with filterGroups EQ, pages, and refuses what HubSpot refuses', async () => {
    const a = hs.createCompany({ name: 'A', fml_case_id: 'CS-A' });
    hs.createCompany({ name: 'B', fml_case_id: 'CS-B' });
    const found = await call('POST', '/crm/v3/objects/companies/search', {
      filterGroups: [{ filters: [{ propertyName: 'fml_case_id', operator: 'EQ', value: 'CS-A' }] }],
      properties: ['fml_case_id'],
      limit: 1,
    });
    expect(found.body).toMatchObject({ total: 1, results: [{ id: a.id, properties: { fml_case_id: 'CS-A' } }] });
    const page = await call('POST', '/crm/v3/objects/companies/search', { filterGroups: [], limit: 1 });
    expect(page.body).toMatchObject({ total: 2, paging: { next: { after: '1' } } });
    expect((await call('POST', '/crm/v3/objects/companies/search', { limit: 201 })).status).toBe(400);
    expect(
      (
        await call('POST', '/crm/v3/objects/companies/search', {
          filterGroups: [{ filters: [{ propertyName: 'nope', operator: 'EQ', value: 'x' }] }],
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call('POST', '/crm/v3/objects/companies/search', {
          filterGroups: [{ filters: [{ propertyName: 'name', operator: 'CONTAINS_TOKEN', value: 'x' }] }],
        })
      ).status,
    ).toBe(400);
  });

  it("lags search behind writes when asked to, like HubSpot's index", async () => {
    let now = 1_000_000;
    const lagging = await startFakeHubSpot({ properties: ['fml_case_id'], searchLagMs: 5000, now: () => now });
    try {
      lagging.createCompany({ fml_case_id: 'CS-L' });
      const search = () =>
        fetch(`${lagging.url}/crm/v3/objects/companies/search`, {
          method: 'POST',
          headers: { authorization: `Bearer ${lagging.accessToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            filterGroups: [{ filters: [{ propertyName: 'fml_case_id', operator: 'EQ', value: 'CS-L' }] }],
          }),
        }).then((r) => r.json() as Promise<{ total: number }>);
      expect((await search()).total).toBe(0);
      now += 5000;
      expect((await search()).total).toBe(1);
    } finally {
      await lagging.close();
    }
  });

  it('creates properties, 409 on a duplicate, 400 on a bad definition', async () => {
    const def = {
      name: 'fml_case_status',
      label: 'FML case status',
      type: 'string',
      fieldType: 'text',
      groupName: 'companyinformation',
    };
    expect((await call('POST', '/crm/v3/properties/companies', def)).status).toBe(201);
    const again = await call('POST', '/crm/v3/properties/companies', def);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ category: 'OBJECT_ALREADY_EXISTS' });
    expect((await call('POST', '/crm/v3/properties/companies', { ...def, name: 'x2', type: 'text' })).status).toBe(400);
    expect((await call('POST', '/crm/v3/properties/companies', { ...def, name: 'x3', groupName: 'nope' })).status).toBe(
      400,
    );
    expect((await call('GET', '/crm/v3/properties/companies/fml_case_status')).body).toMatchObject({
      name: 'fml_case_status',
      type: 'string',
    });
  });

  it('validates datetime properties and stores them as ISO text', async () => {
    hs.defineProperty('fml_last_event_at', { type: 'datetime', fieldType: 'date' });
    const c = hs.createCompany();
    expect(
      (await call('PATCH', `/crm/v3/objects/companies/${c.id}`, { properties: { fml_last_event_at: 'yesterday' } }))
        .status,
    ).toBe(400);
    await call('PATCH', `/crm/v3/objects/companies/${c.id}`, { properties: { fml_last_event_at: '1778160589021' } });
    expect(c.properties.fml_last_event_at).toBe(new Date(1778160589021).toISOString());
  });

  it('injects HubSpot-shaped 429s, with Retry-After only when asked', async () => {
    hs.faults.rateLimit({ times: 1 });
    hs.faults.rateLimit({ times: 1, retryAfterSeconds: 2, policyName: 'DAILY' });
    const first = await call('GET', '/crm/v3/objects/companies/1');
    expect(first.status).toBe(429);
    expect(first.body).toMatchObject({ status: 'error', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' });
    expect(first.headers.get('retry-after')).toBeNull();
    const second = await call('GET', '/crm/v3/objects/companies/1');
    expect(second.body).toMatchObject({ policyName: 'DAILY' });
    expect(second.headers.get('retry-after')).toBe('2');
    expect((await call('GET', '/crm/v3/objects/companies/1')).status).toBe(404);
    expect(hs.requests.map((r) => r.fault ?? null)).toEqual(['rate-limit', 'rate-limit', null]);
  });

  it('can be extended with more endpoints', async () => {
    hs.route('POST', /^\/automation\/v4\/actions\/callbacks\/([^/]+)\/complete$/, (req) => ({
      status: 204,
      body: undefined,
      headers: { 'x-callback': req.params[0]! },
    }));
    const res = await call('POST', '/automation/v4/actions/callbacks/cb-1/complete', { outputFields: {} });
    expect(res.status).toBe(204);
    expect(res.headers.get('x-callback')).toBe('cb-1');
    expect((await call('POST', '/automation/v4/actions/callbacks/cb-1/complete', {}, null)).status).toBe(401);
  });

  it('keeps the token out of its request log and of inspect/JSON output', async () => {
    await call('PATCH', `/crm/v3/objects/companies/${hs.createCompany().id}`, { properties: { name: 'x' } });
    expect(JSON.stringify(hs.requests)).not.toContain(hs.accessToken);
    expect(inspect(hs, { depth: 3 })).not.toContain(hs.accessToken);
    expect(hs.requests.at(-1)).toMatchObject({ method: 'PATCH', status: 200, body: { properties: { name: 'x' } } });
  });
});
