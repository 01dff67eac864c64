import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { api, fetchFailure, jsonHeaders, mint, postCase } from './helpers';

let sb: Sandbox;
let call: ReturnType<typeof api>;

beforeEach(async () => {
  sb = await startSandbox();
  call = api(sb, await mint(sb));
});
afterEach(() => sb.close());

const body = { customerEmail: 'jane@acme.example', crmRecordId: 'c-1' };

describe('fault switches', () => {
  it('resetConnection: the next request is dropped before it is handled (ECONNRESET), then service resumes', async () => {
    sb.faults.resetConnection({ method: 'POST', path: '/v1/cases' });
    expect(await fetchFailure(postCase(call, body))).toBe('ECONNRESET');
    expect(sb.cases).toHaveLength(0);
    expect((await postCase(call, body)).status).toBe(201);
    expect(sb.faults.list()).toEqual([]);
  });

  it('truncateBody: headers and half the body arrive, then the connection drops', async () => {
    sb.faults.truncateBody({ path: '/v1/cases' });
    const res = await call('/v1/cases');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    await expect(res.text()).rejects.toThrow();
  });

  it('serverError: answers 500/502/503 with an ApiError body, without handling the request', async () => {
    for (const status of [500, 502, 503]) {
      sb.faults.serverError(status, { path: '/v1/cases' });
      const res = await postCase(call, body);
      expect(res.status).toBe(status);
      expect(await res.json()).toMatchObject({ error: 'server_error' });
    }
    expect(sb.cases).toHaveLength(0);
  });

  it('rateLimit: answers 429 with the given Retry-After', async () => {
    sb.faults.rateLimit(7);
    const res = await call('/v1/events');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(await res.json()).toMatchObject({ error: 'rate_limited' });
  });

  it('delay: handles the request late — and still handles it when the client gave up waiting', async () => {
    sb.faults.delay(50, { method: 'POST' });
    expect((await postCase(call, body)).status).toBe(201);
    expect(sb.faults.list()).toEqual([]);

    sb.faults.delay(1000, { method: 'POST', path: '/v1/cases' });
    const controller = new AbortController();
    const attempt = call('/v1/cases', {
      method: 'POST',
      body: JSON.stringify({ customerEmail: 'late@acme.example' }),
      signal: controller.signal,
    });
    await vi.waitFor(() => expect(sb.faults.list()).toEqual([])); // the server has the request
    controller.abort();
    await expect(attempt).rejects.toThrow();
    await vi.waitFor(() => expect(sb.cases.map((c) => c.customerEmail)).toContain('late@acme.example'), {
      timeout: 5000,
    });
  });

  it('loseResponse: the case is created but the client sees a reset; a retry with the same key replays it', async () => {
    sb.faults.loseResponse();
    const key = 'hubspot-c-1';
    expect(await fetchFailure(postCase(call, body, { 'idempotency-key': key }))).toBe('ECONNRESET');
    expect(sb.cases).toHaveLength(1);
    const retry = await postCase(call, body, { 'idempotency-key': key });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replay')).toBe('true');
    expect(((await retry.json()) as { caseId: string }).caseId).toBe(sb.cases[0]!.caseId);
    expect(sb.cases).toHaveLength(1);
  });

  it('matches by method, exact path or prefix*, counts times, and never touches /_sandbox routes', async () => {
    const rule = sb.faults.serverError(502, { method: 'GET', path: '/v1/cases*', times: 2 });
    expect(rule).toMatchObject({ kind: 'status', status: 502, remaining: 2, method: 'GET', path: '/v1/cases*' });
    expect((await fetch(`${sb.url}/_sandbox/faults`)).status).toBe(200);
    expect((await call('/v1/events')).status).toBe(200);
    expect((await call('/v1/cases/x')).status).toBe(502);
    expect(sb.faults.list()[0]).toMatchObject({ remaining: 1, hits: 1 });
    expect((await call('/v1/cases')).status).toBe(502);
    expect((await call('/v1/cases')).status).toBe(200);

    const always = sb.faults.serverError(500, { path: /^\/v1\/events$/, times: 'always' });
    for (let i = 0; i < 3; i++) expect((await call('/v1/events')).status).toBe(500);
    expect(sb.faults.remove(always.id)).toBe(true);
    expect((await call('/v1/events')).status).toBe(200);
  });

  it('hits the token endpoint too unless narrowed by path', async () => {
    sb.faults.serverError(503);
    await expect(mint(sb)).rejects.toThrow(/503/);
  });

  it('rejects nonsense fault specs with a clear error', () => {
    expect(() => sb.faults.serverError(404)).toThrow(/500–599/);
    expect(() => sb.faults.add({ kind: 'explode' as never })).toThrow(/kind/);
    expect(() => sb.faults.resetConnection({ times: 0 })).toThrow(/times/);
  });

  it('can be switched over HTTP: POST/GET/DELETE /_sandbox/faults', async () => {
    const created = await fetch(`${sb.url}/_sandbox/faults`, {
      method: 'POST',
      headers: jsonHeaders,
      body: JSON.stringify({ kind: 'status', status: 500, path: '/v1/cases', times: 'always' }),
    });
    expect(created.status).toBe(201);
    expect((await call('/v1/cases')).status).toBe(500);
    const listed = (await (await fetch(`${sb.url}/_sandbox/faults`)).json()) as { data: { hits: number }[] };
    expect(listed.data[0]!.hits).toBe(1);
    expect((await fetch(`${sb.url}/_sandbox/faults`, { method: 'DELETE' })).status).toBe(200);
    expect((await call('/v1/cases')).status).toBe(200);
    const bad = await fetch(`${sb.url}/_sandbox/faults`, {
      method: 'POST',
      headers: jsonHeaders,
      body: JSON.stringify({ kind: 'nope' }),
    });
    expect(bad.status).toBe(400);

    await fetch(`${sb.url}/_sandbox/faults`, {
      method: 'POST',
      headers: jsonHeaders,
      body: JSON.stringify({ kind: 'lose-response' }),
    });
    expect(await fetchFailure(postCase(call, body))).toBe('ECONNRESET');
    expect(sb.cases).toHaveLength(1);
  });

  it('lose-response hits the same routes whether set from code or from the admin route', async () => {
    const fromCode = sb.faults.loseResponse({ times: 'always' });
    const res = await fetch(`${sb.url}/_sandbox/faults`, {
      method: 'POST',
      headers: jsonHeaders,
      body: JSON.stringify({ kind: 'lose-response', times: 'always' }),
    });
    const fromAdmin = (await res.json()) as typeof fromCode;
    const { id: _a, ...codeRule } = fromCode;
    const { id: _b, ...adminRule } = fromAdmin;
    expect(adminRule).toEqual(codeRule);
    expect(codeRule).toMatchObject({ method: 'POST', path: '/v1/cases' });
    // Reads are not hit by either rule; only the create is.
    expect((await call('/v1/cases')).status).toBe(200);
    expect(await fetchFailure(postCase(call, body))).toBe('ECONNRESET');
    sb.faults.clear();
    // Naming a path (or a method) targets exactly that, from code and over HTTP alike.
    const onEvents = sb.faults.loseResponse({ path: '/v1/events' });
    expect(onEvents).toMatchObject({ method: null, path: '/v1/events' });
    expect(await fetchFailure(call('/v1/events'))).toBe('ECONNRESET');
  });
});
