// A 2xx that breaks openapi.yaml's contract is an error, and a 403 names the scope the call needs.
// FML's answers are faked at the HTTP level (nock); the checks come from the generated operation facts.
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { InsufficientScopeError, InvalidResponseError } from '../../src/index';
import { BASE, CLIENT_ID, CLIENT_SECRET, caseBody, makeClient, validCreate, useNock } from '../helpers/fml-nock';

useNock({ withToken: true });

const withRequestId = { 'x-request-id': 'req_contract_1' };

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

describe('a 2xx body without what the spec requires', () => {
  it('cases.create: 201 without caseId is invalid_response with the requestId and the key to retry with', async () => {
    const { caseId: _dropped, ...noId } = caseBody();
    nock(BASE).post('/v1/cases').reply(201, noId, withRequestId);
    const error = await failure(makeClient().cases.create(validCreate, { idempotencyKey: 'hubspot-1' }));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).toMatchObject({
      code: 'invalid_response',
      status: 201,
      requestId: 'req_contract_1',
      problems: ['caseId: is required'],
      idempotencyKey: 'hubspot-1',
    });
    // The message names the field and the request id, never a value from the body.
    expect((error as Error).message).toContain('caseId: is required');
    expect((error as Error).message).toContain('req_contract_1');
    expect((error as Error).message).not.toContain('jane@acme.example');
  });

  it.each([
    ['an empty object', {}, ['caseId: is required', 'status: is required']],
    ['a caseId of the wrong type', caseBody({ caseId: 42 }), ['caseId: must be string, got an integer']],
    ['a JSON array', [caseBody()], ['(body): must be object, got an array']],
    ['null', null, ['(body): must be object, got null']],
  ])('cases.get: 200 with %s is invalid_response', async (_label, body, problems) => {
    nock(BASE)
      .get('/v1/cases/CS-1')
      .reply(200, JSON.stringify(body), { 'content-type': 'application/json', ...withRequestId });
    const error = await failure(makeClient().cases.get('CS-1'));
    expect(error).toMatchObject({ code: 'invalid_response', requestId: 'req_contract_1', problems });
  });

  it('a 2xx that is not JSON (a proxy page) is invalid_response with the status and requestId', async () => {
    nock(BASE)
      .get('/v1/cases/CS-1')
      .reply(200, '<html>Gateway login</html>', { 'content-type': 'text/html', ...withRequestId });
    const error = await failure(makeClient().cases.get('CS-1'));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).toMatchObject({
      code: 'invalid_response',
      status: 200,
      requestId: 'req_contract_1',
      problems: ['(body): is not JSON'],
    });
    expect((error as Error).message).not.toContain('Gateway login');
  });

  it('cases.list: a page whose second case has no caseId is invalid_response naming data.1.caseId', async () => {
    const { caseId: _dropped, ...noId } = caseBody();
    nock(BASE)
      .get('/v1/cases')
      .reply(200, { data: [caseBody(), noId], nextCursor: null, hasMore: false }, withRequestId);
    const error = await failure(makeClient().cases.list().toArray());
    expect(error).toMatchObject({
      code: 'invalid_response',
      requestId: 'req_contract_1',
      problems: ['data.1.caseId: is required'],
    });
  });

  it('cases.list: a page without hasMore or nextCursor is invalid_response', async () => {
    nock(BASE).get('/v1/cases').reply(200, { data: [] });
    const error = await failure(makeClient().cases.list().firstPage());
    expect(error).toMatchObject({
      code: 'invalid_response',
      problems: ['nextCursor: is required', 'hasMore: is required'],
    });
  });

  it('events.list: an item without the common event fields is invalid_response; an unknown event name with them is not', async () => {
    const event = {
      event: 'case.archived',
      eventId: 'e-1',
      eventVersion: 1,
      timestamp: '2026-05-16t10:02:00z',
      orgId: 'o',
      caseId: 'CS-1',
      brandNew: true,
    };
    nock(BASE)
      .get('/v1/events')
      .reply(200, { data: [event], nextCursor: null, hasMore: false });
    await expect(makeClient().events.list().toArray()).resolves.toEqual([event]);
    const { caseId: _dropped, ...noCase } = event;
    nock(BASE)
      .get('/v1/events')
      .reply(200, { data: [event, noCase], nextCursor: null, hasMore: false }, withRequestId);
    const error = await failure(makeClient().events.list().toArray());
    expect(error).toMatchObject({
      code: 'invalid_response',
      requestId: 'req_contract_1',
      problems: ['data.1.caseId: is required'],
    });
  });

  it('events.list: an eventVersion beyond 2^53 is still an integer', async () => {
    const body =
      '{"data":[{"event":"x","eventId":"e","eventVersion":123456789012345678901234567890,"timestamp":"2026-05-16T10:02:00Z","orgId":"o","caseId":"c"}],"nextCursor":null,"hasMore":false}';
    nock(BASE).get('/v1/events').reply(200, body, { 'content-type': 'application/json' });
    const [item] = await makeClient().events.list().toArray();
    expect(item?.eventVersion).toBe(1.2345678901234568e29);
  });

  it('fml.api (openapi-fetch) checks the same contract: a breaking 2xx rejects with InvalidResponseError', async () => {
    nock(BASE).get('/v1/cases/CS-1').reply(200, { status: 'approved' }, withRequestId);
    const error = await failure(makeClient().api.GET('/v1/cases/{caseId}', { params: { path: { caseId: 'CS-1' } } }));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).toMatchObject({
      code: 'invalid_response',
      status: 200,
      requestId: 'req_contract_1',
      problems: ['caseId: is required'],
    });
    nock(BASE)
      .get('/v1/cases/CS-1')
      .reply(200, '<html>Gateway login</html>', { 'content-type': 'text/html', ...withRequestId });
    await expect(
      makeClient().api.GET('/v1/cases/{caseId}', { params: { path: { caseId: 'CS-1' } } }),
    ).rejects.toMatchObject({ code: 'invalid_response', problems: ['(body): is not JSON'] });
    nock(BASE)
      .get('/v1/cases/CS-1')
      .reply(200, caseBody({ caseId: 'CS-1', brandNewField: { x: 1 }, status: 'escalated' }));
    const ok = await makeClient().api.GET('/v1/cases/{caseId}', { params: { path: { caseId: 'CS-1' } } });
    expect(ok.response.status).toBe(200);
    expect(ok.data).toMatchObject({ caseId: 'CS-1', status: 'escalated', brandNewField: { x: 1 } });
  });

  it('fml.api: an error answer stays { error, response } (openapi-fetch), unchecked', async () => {
    nock(BASE).get('/v1/cases/CS-1').reply(404, { error: 'not_found', message: 'No such case' });
    const res = await makeClient().api.GET('/v1/cases/{caseId}', { params: { path: { caseId: 'CS-1' } } });
    expect(res.response.status).toBe(404);
    expect(res.error).toMatchObject({ error: 'not_found' });
  });

  it('createFmlFetch: a path in the spec is checked (list items too); a path the spec lacks passes as is', async () => {
    const { createFmlFetch } = await import('../../src/index');
    const fmlFetch = createFmlFetch({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      baseUrl: BASE,
      maxRetries: 0,
      env: {},
    });
    const { caseId: _dropped, ...noId } = caseBody();
    nock(BASE)
      .get('/v1/cases')
      .query(true)
      .reply(200, { data: [caseBody(), noId], nextCursor: null, hasMore: false }, withRequestId);
    await expect(fmlFetch(`${BASE}/v1/cases?limit=2`)).rejects.toMatchObject({
      code: 'invalid_response',
      requestId: 'req_contract_1',
      problems: ['data.1.caseId: is required'],
    });
    nock(BASE).get('/v1/not-in-the-spec').reply(200, 'plain text');
    const other = await fmlFetch(`${BASE}/v1/not-in-the-spec`);
    expect(await other.text()).toBe('plain text');
  });

  it('a case with every optional field absent, unknown fields and an unknown status is fine', async () => {
    nock(BASE).get('/v1/cases/CS-1').reply(200, { caseId: 'CS-1', status: 'on_hold', riskTier: 'b' });
    await expect(makeClient().cases.get('CS-1')).resolves.toEqual({ caseId: 'CS-1', status: 'on_hold', riskTier: 'b' });
  });
});

describe('InsufficientScopeError names the scope from the operation in openapi.yaml', () => {
  const forbidden = { error: 'insufficient_scope' };
  it.each([
    [
      'cases.get',
      'read:cases',
      () => nock(BASE).get('/v1/cases/CS-1').reply(403, forbidden),
      () => makeClient().cases.get('CS-1'),
    ],
    [
      'cases.list',
      'read:cases',
      () => nock(BASE).get('/v1/cases').reply(403, forbidden),
      () => makeClient().cases.list().firstPage(),
    ],
    [
      'events.list',
      'read:events',
      () => nock(BASE).get('/v1/events').reply(403, forbidden),
      () => makeClient().events.list().firstPage(),
    ],
    [
      'cases.create',
      'cases:write',
      () => nock(BASE).post('/v1/cases').reply(403, forbidden),
      () => makeClient().cases.create(validCreate),
    ],
    [
      'cases.setCrmRecordId',
      'cases:write',
      () => nock(BASE).post('/api/cases/CS-1/crm-record-id').reply(403, forbidden),
      () => makeClient().cases.setCrmRecordId('CS-1', '42'),
    ],
    [
      'screening.recordDisposition',
      'cases:write',
      () => nock(BASE).post('/v1/cases/CS-1/screening/disposition').reply(403, forbidden),
      () => makeClient().screening.recordDisposition('CS-1', { hitId: 'ca:x', disposition: 'false_positive' }),
    ],
  ])('%s needs %s', async (_call, scope, mock, call) => {
    mock();
    const error = await failure(call());
    expect(error).toBeInstanceOf(InsufficientScopeError);
    expect((error as InsufficientScopeError).requiredScopes).toEqual([scope]);
    expect((error as Error).message).toContain(`this call needs ${scope}`);
    for (const other of ['read:cases', 'read:events', 'cases:write'].filter((s) => s !== scope))
      expect((error as Error).message).not.toContain(other);
  });

  it('falls back to the scope FML names in WWW-Authenticate when the spec has none for the call', async () => {
    const { FmlApiError } = await import('../../src/index');
    const error = FmlApiError.from({
      status: 403,
      body: { error: 'insufficient_scope' },
      headers: { 'www-authenticate': 'Bearer error="insufficient_scope", scope="read:screening"' },
    });
    expect(error).toMatchObject({ requiredScopes: ['read:screening'] });
    expect(error.message).toContain('this call needs read:screening');
  });
});

describe('the endpoints FML names (inferred bodies)', () => {
  it('cases.setCrmRecordId posts { crmRecordId, crmSource } to /api/cases/{caseId}/crm-record-id and returns the case', async () => {
    let sent: unknown;
    nock(BASE)
      .post('/api/cases/CS%2F1/crm-record-id', (body) => {
        sent = body;
        return true;
      })
      .reply(200, caseBody({ caseId: 'CS/1', crmRecordId: '42' }));
    await expect(makeClient().cases.setCrmRecordId('CS/1', '42', { crmSource: 'hubspot' })).resolves.toMatchObject({
      caseId: 'CS/1',
      crmRecordId: '42',
    });
    expect(sent).toEqual({ crmRecordId: '42', crmSource: 'hubspot' });
  });

  it('cases.setCrmRecordId is retried after a 503 (setting the same value twice is harmless)', async () => {
    nock(BASE).post('/api/cases/CS-1/crm-record-id').reply(503, { error: 'unavailable' });
    nock(BASE)
      .post('/api/cases/CS-1/crm-record-id')
      .reply(200, caseBody({ caseId: 'CS-1', crmRecordId: '42' }));
    await expect(makeClient().cases.setCrmRecordId('CS-1', '42')).resolves.toMatchObject({ crmRecordId: '42' });
  });

  it.each([
    [
      'an empty crmRecordId',
      () => makeClient().cases.setCrmRecordId('CS-1', ' '),
      [{ field: 'crmRecordId', message: 'must not be empty' }],
    ],
    [
      'no caseId',
      () => makeClient().cases.setCrmRecordId('', '42'),
      [{ field: 'caseId', message: 'must be a non-empty string' }],
    ],
    [
      'a too-long crmSource',
      () => makeClient().cases.setCrmRecordId('CS-1', '42', { crmSource: 'x'.repeat(101) }),
      [{ field: 'crmSource', message: 'must be at most 100 characters' }],
    ],
    [
      'no hitId',
      () => makeClient().screening.recordDisposition('CS-1', { disposition: 'false_positive' } as never),
      [{ field: 'hitId', message: 'is required' }],
    ],
    [
      'a numeric hitId',
      () => makeClient().screening.recordDisposition('CS-1', { hitId: 7, disposition: 'x' } as never),
      [{ field: 'hitId', message: 'must be a string' }],
    ],
  ])('refuses %s locally, sending nothing', async (_label, call, fields) => {
    const error = await failure(call());
    expect(error).toMatchObject({ code: 'validation_error', source: 'local', fields });
  });

  it('screening.recordDisposition posts the disposition with an Idempotency-Key, and checks the answer', async () => {
    let key: string | undefined;
    nock(BASE)
      .post('/v1/cases/CS-1/screening/disposition', {
        hitId: 'ca:jane-doe',
        disposition: 'false_positive',
        note: 'DOB differs',
      })
      .reply(function () {
        key = this.req.headers['idempotency-key'] as string;
        return [
          200,
          { caseId: 'CS-1', hitId: 'ca:jane-doe', disposition: 'false_positive', recordedAt: '2026-05-16T10:02:00Z' },
        ];
      });
    await expect(
      makeClient().screening.recordDisposition('CS-1', {
        hitId: 'ca:jane-doe',
        disposition: 'false_positive',
        note: 'DOB differs',
      }),
    ).resolves.toMatchObject({ hitId: 'ca:jane-doe' });
    expect(key).toMatch(/.+/);
    nock(BASE).post('/v1/cases/CS-1/screening/disposition').reply(200, { caseId: 'CS-1' });
    const error = await failure(
      makeClient().screening.recordDisposition('CS-1', { hitId: 'h', disposition: 'd' }, { idempotencyKey: 'disp-1' }),
    );
    expect(error).toMatchObject({
      code: 'invalid_response',
      problems: ['hitId: is required', 'disposition: is required'],
      idempotencyKey: 'disp-1',
    });
  });
});
