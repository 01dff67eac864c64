import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { loadOpenApiValidator, type ResponseRecord } from '../helpers/openapi-validator';
import { jsonHeaders, startReceiver, type Receiver } from './helpers';

// Every response the sandbox sends for the documented operations must validate against openapi.yaml.
const spec = loadOpenApiValidator();
const seen: ResponseRecord[] = [];
let sb: Sandbox;
let receiver: Receiver;

/** fetch that records the exchange; returns the parsed JSON body. */
async function send(
  path: string,
  init: RequestInit & { token?: string } = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const headers = {
    ...(init.body && typeof init.body === 'string' && init.body.startsWith('{') ? jsonHeaders : {}),
    ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    ...(init.headers as Record<string, string>),
  };
  const res = await fetch(`${sb.url}${path}`, { ...init, headers });
  const text = await res.text();
  seen.push({ method: init.method ?? 'GET', path, status: res.status, headers: res.headers, body: text });
  return { status: res.status, headers: res.headers, body: JSON.parse(text) as Record<string, unknown> };
}

const tokenBody = (id: string, secret: string, extra: Record<string, string> = {}) =>
  JSON.stringify({ grant_type: 'client_credentials', client_id: id, client_secret: secret, ...extra });

beforeAll(async () => {
  sb = await startSandbox({ tokenRateLimit: 3, rateLimit: 40, webhookRetryDelaysMs: [5] });
  receiver = await startReceiver([500]);
  sb.addWebhookEndpoint(receiver.url);
});
afterAll(async () => {
  await sb.close();
  await receiver.close();
});

describe('every sandbox response validates against openapi.yaml', () => {
  it('drives each operation through its success and error paths', async () => {
    const statuses: Record<string, Set<number>> = {};
    const expectStatus = async (label: string, p: Promise<{ status: number }>, status: number) => {
      const r = await p;
      expect(r.status, label).toBe(status);
      const method = label.split(' ')[0]!;
      statuses[method] ??= new Set();
      statuses[method].add(status);
      return r as Awaited<ReturnType<typeof send>>;
    };

    // createToken: 200 (JSON and form), 400, 401, 429.
    const token = String(
      (
        await expectStatus(
          'createToken json',
          send('/v1/oauth/token', { method: 'POST', body: tokenBody(sb.clientId, sb.clientSecret) }),
          200,
        )
      ).body.access_token,
    );
    await expectStatus(
      'createToken form',
      send('/v1/oauth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: sb.clientId,
          client_secret: sb.clientSecret,
        }).toString(),
      }),
      200,
    );
    await expectStatus(
      'createToken grant',
      send('/v1/oauth/token', { method: 'POST', body: JSON.stringify({ grant_type: 'password' }) }),
      400,
    );
    await expectStatus(
      'createToken secret',
      send('/v1/oauth/token', { method: 'POST', body: tokenBody(sb.clientId, 'wrong') }),
      401,
    );
    await expectStatus(
      'createToken limit',
      send('/v1/oauth/token', { method: 'POST', body: tokenBody(sb.clientId, sb.clientSecret) }),
      429,
    );

    const reader = sb.createClient({ scopes: ['read:cases'] });
    const readerToken = String(
      (
        await expectStatus(
          'createToken reader',
          send('/v1/oauth/token', { method: 'POST', body: tokenBody(reader.clientId, reader.clientSecret) }),
          200,
        )
      ).body.access_token,
    );
    const tenantB = sb.createClient({ orgId: 'org_b' });
    const tokenB = String(
      (
        await expectStatus(
          'createToken tenantB',
          send('/v1/oauth/token', { method: 'POST', body: tokenBody(tenantB.clientId, tenantB.clientSecret) }),
          200,
        )
      ).body.access_token,
    );

    // createCase: 201, 200 (key replay, crm-record-id), 400, 401, 403, 409.
    const create = (body: unknown, headers: Record<string, string> = {}, t = token) =>
      send('/v1/cases', { method: 'POST', token: t, body: JSON.stringify(body), headers });
    const full = {
      customerEmail: 'jane.doe@acme.example',
      customerName: 'Jane Doe',
      companyName: 'Acme Holdings Ltd',
      country: 'United Kingdom',
      crmRecordId: '12345678901',
      crmSource: 'hubspot',
      sendInvite: true,
    };
    const created = await expectStatus(
      'createCase new',
      create(full, { 'idempotency-key': 'hubspot-12345678901' }),
      201,
    );
    await expectStatus('createCase replay', create(full, { 'idempotency-key': 'hubspot-12345678901' }), 201);
    await expectStatus('createCase crm', create({ ...full, sendInvite: false }), 200);
    await expectStatus('createCase minimal', create({ customerEmail: 'min@acme.example' }), 201);
    await expectStatus('createCase invalid', create({ customerEmail: 'nope', sendInvite: 'yes' }), 400);
    await expectStatus('createCase noauth', create(full, {}, 'bogus'), 401);
    await expectStatus('createCase scope', create(full, {}, readerToken), 403);
    await expectStatus(
      'createCase claim',
      send('/v1/cases', { token, headers: { 'idempotency-key': 'used-on-list' } }),
      200,
    );
    await expectStatus('createCase conflict', create(full, { 'idempotency-key': 'used-on-list' }), 409);
    for (let i = 0; i < 6; i++)
      await expectStatus('createCase more', create({ customerEmail: `c${i}@acme.example`, crmRecordId: `r${i}` }), 201);

    const caseId = String(created.body.caseId);
    sb.advanceCase(caseId, 'application_submitted');
    sb.advanceCase(caseId, 'approved');

    // getCase: 200, 404 (unknown and other tenant), 401, 403.
    await expectStatus('getCase ok', send(`/v1/cases/${caseId}`, { token }), 200);
    await expectStatus('getCase unknown', send('/v1/cases/CS-2026-00471', { token }), 404);
    await expectStatus('getCase tenant', send(`/v1/cases/${caseId}`, { token: tokenB }), 404);
    await expectStatus('getCase noauth', send(`/v1/cases/${caseId}`), 401);

    // setCaseCrmRecordId (inferred): 200, 400, 401, 403, 404, 409.
    const link = (id: string, body: unknown, t = token) =>
      send(`/api/cases/${encodeURIComponent(id)}/crm-record-id`, {
        method: 'POST',
        token: t,
        body: JSON.stringify(body),
      });
    await expectStatus(
      'setCaseCrmRecordId ok',
      link(caseId, { crmRecordId: '12345678901', crmSource: 'hubspot' }),
      200,
    );
    await expectStatus('setCaseCrmRecordId invalid', link(caseId, { crmRecordId: '' }), 400);
    await expectStatus('setCaseCrmRecordId noauth', link(caseId, { crmRecordId: '1' }, 'bogus'), 401);
    await expectStatus('setCaseCrmRecordId scope', link(caseId, { crmRecordId: '1' }, readerToken), 403);
    await expectStatus('setCaseCrmRecordId unknown', link('CS-2026-00471', { crmRecordId: '1' }), 404);
    await expectStatus('setCaseCrmRecordId taken', link(caseId, { crmRecordId: 'r0' }), 409);

    // recordScreeningDisposition (inferred): 200 (and its replay), 400, 401, 403, 404.
    const dispose = (id: string, body: unknown, headers: Record<string, string> = {}, t = token) =>
      send(`/v1/cases/${encodeURIComponent(id)}/screening/disposition`, {
        method: 'POST',
        token: t,
        body: JSON.stringify(body),
        headers,
      });
    const hit = { hitId: 'ca:jane-doe-1', disposition: 'false_positive', note: 'Different date of birth.' };
    await expectStatus('recordScreeningDisposition ok', dispose(caseId, hit, { 'idempotency-key': 'disp-1' }), 200);
    await expectStatus('recordScreeningDisposition replay', dispose(caseId, hit, { 'idempotency-key': 'disp-1' }), 200);
    await expectStatus('recordScreeningDisposition invalid', dispose(caseId, { hitId: 7 }), 400);
    await expectStatus('recordScreeningDisposition noauth', dispose(caseId, hit, {}, 'bogus'), 401);
    await expectStatus('recordScreeningDisposition scope', dispose(caseId, hit, {}, readerToken), 403);
    await expectStatus('recordScreeningDisposition unknown', dispose('CS-2026-00471', hit), 404);

    // listCases: pages, filters, 400, 401.
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof send>> = await expectStatus(
        'listCases page',
        send(`/v1/cases?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token }),
        200,
      );
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    await expectStatus(
      'listCases filter',
      send(
        '/v1/cases?status=approved&updated_since=2020-01-01T00:00:00Z&created_since=2020-01-01T00:00:00.000%2B01:00',
        { token },
      ),
      200,
    );
    await expectStatus('listCases limit', send('/v1/cases?limit=201', { token }), 400);
    await expectStatus('listCases noauth', send('/v1/cases'), 401);

    // listEvents: pages, filters, 400, 403.
    cursor = null;
    do {
      const page: Awaited<ReturnType<typeof send>> = await expectStatus(
        'listEvents page',
        send(`/v1/events?limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token }),
        200,
      );
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    await expectStatus(
      'listEvents filter',
      send('/v1/events?type=case.decision.made&since=2020-01-01T00:00:00Z', { token }),
      200,
    );
    await expectStatus('listEvents bad', send('/v1/events?since=soon', { token }), 400);
    await expectStatus('listEvents scope', send('/v1/events', { token: readerToken }), 403);

    // Injected faults answer with declared shapes too (5xx → default, 429 → TooManyRequests).
    sb.faults.serverError(503, { path: '/v1/cases' });
    await expectStatus('listCases fault', send('/v1/cases', { token }), 503);
    sb.faults.rateLimit(2, { path: '/v1/events' });
    await expectStatus('listEvents fault', send('/v1/events', { token }), 429);

    // The per-client API limit (40 here) answers 429 with Retry-After.
    let limited: Awaited<ReturnType<typeof send>> | undefined;
    for (let i = 0; i < 45 && !limited; i++) {
      const r = await send('/v1/cases?limit=1', { token });
      if (r.status === 429) limited = r;
    }
    expect(limited?.headers.get('retry-after')).toMatch(/^\d+$/);

    const problems = seen.flatMap((r) => spec.responseProblems(r));
    expect(problems).toEqual([]);
    for (const r of seen)
      expect(new Headers(r.headers as Headers).get('x-request-id'), `${r.method} ${r.path}`).toMatch(/^req_/);
    expect(seen.length).toBeGreaterThan(40);
  });

  it('every webhook delivery (retries included) validates against the webhooks section', async () => {
    await sb.waitForDeliveries();
    expect(receiver.requests.length).toBeGreaterThan(10);
    const names = new Set(receiver.requests.map((r) => (JSON.parse(r.body) as { event: string }).event));
    expect([...names].sort()).toEqual([
      'case.created',
      'case.decision.made',
      'case.onboarding_progress.changed',
      'case.status.changed',
      'case.submitted',
    ]);
    expect(receiver.requests.flatMap((r) => spec.webhookProblems(r))).toEqual([]);
  });
});
