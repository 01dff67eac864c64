import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { idempotencyKey, ValidationError } from '../../src/index';
import { BASE, caseBody, makeClient, validCreate, useNock } from '../helpers/fml-nock';

const mocked = useNock({ withToken: true });
const token = { count: () => mocked.token().count() };

describe('cases.create', () => {
  it('sends the body, the key and the bearer, and reports a new case', async () => {
    let sent: unknown;
    nock(BASE)
      .post('/v1/cases', (body) => {
        sent = body;
        return true;
      })
      .matchHeader('authorization', 'Bearer tok_1')
      .matchHeader('idempotency-key', 'hubspot-12345678901')
      .matchHeader('content-type', 'application/json')
      .reply(201, caseBody(), { 'X-Request-Id': 'req_abc' });
    const result = await makeClient().cases.create(validCreate, {
      idempotencyKey: idempotencyKey.forCrmRecord('hubspot', 12345678901),
    });
    expect(sent).toEqual(validCreate);
    expect(result).toEqual({
      case: caseBody(),
      replayed: false,
      status: 201,
      idempotencyKey: 'hubspot-12345678901',
      requestId: 'req_abc',
    });
  });

  it.each([
    [200, { 'Idempotent-Replay': 'true' }, 'idempotency-key'],
    [201, { 'Idempotent-Replay': 'true' }, 'idempotency-key'],
    [200, { 'Idempotent-Replay': 'crm-record-id' }, 'crm-record-id'],
    [200, {}, 'crm-record-id'],
    [200, { 'Idempotent-Replay': 'some-future-layer' }, 'some-future-layer'],
  ])('reports status %i with %j as replayed %j', async (status, headers, replayed) => {
    nock(BASE).post('/v1/cases').reply(status, caseBody(), headers);
    expect((await makeClient().cases.create(validCreate)).replayed).toBe(replayed);
  });

  it.each([
    [{ customerName: 'Jane' }, [{ field: 'customerEmail', message: 'is required' }]],
    [{ customerEmail: 'not-an-email' }, [{ field: 'customerEmail', message: 'must be a valid email address' }]],
    [
      { customerEmail: 'a@b.co', sendInvite: 'yes' },
      [{ field: 'sendInvite', message: 'must be a boolean, got a string' }],
    ],
    [
      { customerEmail: 42, crmRecordId: 7 },
      [
        { field: 'customerEmail', message: 'must be a string, got an integer' },
        { field: 'crmRecordId', message: 'must be a string, got an integer' },
      ],
    ],
    [null, [{ field: '(body)', message: 'must be an object with at least customerEmail' }]],
  ])('rejects %j locally, listing every bad field, and sends nothing', async (body, fields) => {
    const error = (await makeClient()
      .cases.create(body as never)
      .catch((e: unknown) => e)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.source).toBe('local');
    expect(error.fields).toEqual(fields);
    expect(error.message).toContain('nothing was sent');
    expect(token.count()).toBe(0); // not even a token mint
  });

  it('rejects an unusable Idempotency-Key locally', async () => {
    await expect(makeClient().cases.create(validCreate, { idempotencyKey: 'has space' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(makeClient().cases.create(validCreate, { idempotencyKey: 'x'.repeat(256) })).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(token.count()).toBe(0);
  });

  it('sends a request field the SDK does not know (one a newer FML accepts) untouched, neither checked nor stripped', async () => {
    let sent: unknown;
    nock(BASE)
      .post('/v1/cases', (body) => {
        sent = body;
        return true;
      })
      .reply(201, caseBody());
    const body = { ...validCreate, riskProfile: { tier: 'B', reviewed: [1, 2] }, sendInvite: false };
    await makeClient().cases.create(body as never);
    expect(sent).toEqual(body);
  });

  it('passes unknown response fields and unknown status values through', async () => {
    nock(BASE)
      .post('/v1/cases')
      .reply(201, caseBody({ status: 'awaiting_wet_signature', riskTier: 'B', nested: { x: 1 } }));
    const { case: kase } = await makeClient().cases.create(validCreate);
    expect(kase.status).toBe('awaiting_wet_signature');
    expect((kase as Record<string, unknown>).riskTier).toBe('B');
  });
});

describe('idempotencyKey', () => {
  it('makes the recipe key from a CRM record, trimming and tolerating numbers', () => {
    expect(idempotencyKey.forCrmRecord('HubSpot', ' 123 ')).toBe('hubspot-123');
    expect(idempotencyKey.forCrmRecord('hubspot', 12345678901)).toBe('hubspot-12345678901');
    expect(() => idempotencyKey.forCrmRecord('hubspot', '')).toThrow(ValidationError);
    expect(idempotencyKey.random()).not.toBe(idempotencyKey.random());
  });
});

describe('cases.get', () => {
  it('percent-encodes the id so it cannot reach another path', async () => {
    nock(BASE)
      .get('/v1/cases/a%2F..%2Fevents%3Fx')
      .reply(200, caseBody({ caseId: 'a/../events?x' }));
    expect((await makeClient().cases.get('a/../events?x')).caseId).toBe('a/../events?x');
  });

  it('rejects an empty id without sending', async () => {
    await expect(makeClient().cases.get('')).rejects.toBeInstanceOf(ValidationError);
    expect(token.count()).toBe(0);
  });
});

describe('cases.list', () => {
  function threePages() {
    const queries: Record<string, string>[] = [];
    const pages = [
      { data: [caseBody({ caseId: 'C1' }), caseBody({ caseId: 'C2' })], nextCursor: 'cur_2', hasMore: true },
      { data: [caseBody({ caseId: 'C3' })], nextCursor: 'cur_3', hasMore: true },
      { data: [caseBody({ caseId: 'C4' })], nextCursor: null, hasMore: false },
    ];
    nock(BASE)
      .get('/v1/cases')
      .query((q) => {
        queries.push(q as Record<string, string>);
        return true;
      })
      .times(3)
      .reply(200, () => pages[queries.length - 1]);
    return queries;
  }

  it('iterates every case across 3 pages, passing cursors and snake_case filters', async () => {
    const queries = threePages();
    const ids: string[] = [];
    for await (const c of makeClient().cases.list({
      status: 'in-progress',
      updatedSince: new Date('2026-01-01T00:00:00Z'),
      limit: 2,
    }))
      ids.push(c.caseId);
    expect(ids).toEqual(['C1', 'C2', 'C3', 'C4']);
    expect(queries).toEqual([
      { limit: '2', status: 'in-progress', updated_since: '2026-01-01T00:00:00.000Z' },
      { limit: '2', status: 'in-progress', updated_since: '2026-01-01T00:00:00.000Z', cursor: 'cur_2' },
      { limit: '2', status: 'in-progress', updated_since: '2026-01-01T00:00:00.000Z', cursor: 'cur_3' },
    ]);
  });

  it('fetches only the first page with firstPage()', async () => {
    const queries = threePages();
    const page = await makeClient().cases.list().firstPage();
    expect(page).toMatchObject({ nextCursor: 'cur_2', hasMore: true });
    expect(page.data.map((c) => c.caseId)).toEqual(['C1', 'C2']);
    expect(queries).toHaveLength(1);
  });

  it('walks pages with pages()', async () => {
    threePages();
    const sizes: number[] = [];
    for await (const page of makeClient().cases.list().pages()) sizes.push(page.data.length);
    expect(sizes).toEqual([2, 1, 1]);
  });

  it('stops instead of looping when FML repeats a cursor', async () => {
    nock(BASE)
      .get('/v1/cases')
      .query(true)
      .times(5)
      .reply(200, { data: [caseBody()], nextCursor: 'same', hasMore: true });
    expect(await makeClient().cases.list().toArray()).toHaveLength(2);
  });

  it('rejects bad filters locally', () => {
    const fml = makeClient();
    expect(() => fml.cases.list({ limit: 500 })).toThrow(ValidationError);
    expect(() => fml.cases.list({ updatedSince: 'yesterday' })).toThrow(/updatedSince/);
  });
});

describe('events.list and request()', () => {
  it('iterates the event feed with since and type, unknown events included', async () => {
    const queries: unknown[] = [];
    nock(BASE)
      .get('/v1/events')
      .query((q) => {
        queries.push(q);
        return true;
      })
      .reply(200, {
        data: [
          {
            event: 'case.teleported',
            eventId: 'e1',
            eventVersion: 1,
            timestamp: '2026-01-01T00:00:00Z',
            orgId: 'o',
            caseId: 'c',
            warpFactor: 9,
          },
        ],
        nextCursor: null,
        hasMore: false,
      });
    const events = await makeClient().events.list({ since: '2026-01-01T00:00:00Z', type: 'case.teleported' }).toArray();
    expect(events[0]).toMatchObject({ event: 'case.teleported', warpFactor: 9 });
    expect(queries).toEqual([{ since: '2026-01-01T00:00:00.000Z', type: 'case.teleported' }]);
  });

  it('sends any spec operation through fml.api (openapi-fetch) with typed, encoded path params', async () => {
    nock(BASE).get('/v1/cases/CS%201').reply(200, caseBody(), { 'X-Request-Id': 'r1' });
    const { data, response } = await makeClient().api.GET('/v1/cases/{caseId}', {
      params: { path: { caseId: 'CS 1' } },
    });
    expect(data?.caseId).toBe('CS-2026-00471');
    expect(response.headers.get('x-request-id')).toBe('r1');
  });
});
