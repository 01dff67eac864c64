import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FmlConfigError } from '../../src/errors';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { resolveOptions } from '../../src/sandbox/options';
import { api, jsonHeaders, mint, postCase, startReceiver, type Receiver } from './helpers';

let sb: Sandbox;
let call: ReturnType<typeof api>;
let receiver: Receiver;

beforeEach(async () => {
  sb = await startSandbox({ webhookRetryDelaysMs: [10] });
  call = api(sb, await mint(sb));
  receiver = await startReceiver();
});
afterEach(async () => {
  await sb.close();
  await receiver.close();
});

const admin = (path: string, method = 'GET', body?: unknown) =>
  fetch(`${sb.url}/_sandbox${path}`, {
    method,
    ...(method === 'POST' ? { headers: jsonHeaders } : {}),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** A raw request (node:http), so Host and Origin can be set the way a browser or a rebound name sets them. */
function rawAdmin(path: string, method: string, headers: Record<string, string>, body = ''): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${sb.url}/_sandbox${path}`,
      { method, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('/_sandbox admin routes', () => {
  it('register a webhook, advance a case, and show the deliveries', async () => {
    const hook = await admin('/webhooks', 'POST', { url: receiver.url, events: ['case.status.changed'] });
    expect(hook.status).toBe(201);
    const endpoint = (await hook.json()) as { id: string; url: string };
    expect(endpoint).not.toHaveProperty('secret');
    const { caseId } = (await (await postCase(call, { customerEmail: 'jane@acme.example' })).json()) as {
      caseId: string;
    };

    const advanced = await admin(`/cases/${caseId}/advance`, 'POST', { status: 'declined' });
    expect(advanced.status).toBe(200);
    const result = (await advanced.json()) as { case: { status: string }; events: { event: string }[] };
    expect(result.case.status).toBe('declined');
    expect(result.events.map((e) => e.event)).toEqual([
      'case.status.changed',
      'case.decision.made',
      'case.onboarding_progress.changed',
    ]);

    await sb.waitForDeliveries();
    const deliveries = (await (await admin('/deliveries')).json()) as {
      data: { event: string; state: string; attempts: unknown[] }[];
    };
    expect(deliveries.data.map((d) => [d.event, d.state])).toEqual([
      ['case.status.changed', 'delivered'],
      ['case.status.changed', 'delivered'],
    ]);
    expect(receiver.requests).toHaveLength(2);

    const eventId = (JSON.parse(receiver.requests[0]!.body) as { eventId: string }).eventId;
    expect((await admin(`/events/${eventId}/redeliver`, 'POST')).status).toBe(202);
    await sb.waitForDeliveries();
    expect(receiver.requests).toHaveLength(3);

    expect((await admin(`/webhooks/${endpoint.id}`, 'DELETE')).status).toBe(200);
    expect(((await (await admin('/webhooks')).json()) as { data: unknown[] }).data).toEqual([]);
  });

  it('answer 400 for bad input and 404 for unknown ids', async () => {
    expect((await admin('/cases/nope/advance', 'POST', { status: 'approved' })).status).toBe(404);
    const { caseId } = (await (await postCase(call, { customerEmail: 'jane@acme.example' })).json()) as {
      caseId: string;
    };
    expect((await admin(`/cases/${caseId}/advance`, 'POST', {})).status).toBe(400);
    expect((await admin('/webhooks', 'POST', { url: 'ftp://x' })).status).toBe(400);
    expect(
      (await fetch(`${sb.url}/_sandbox/webhooks`, { method: 'POST', headers: jsonHeaders, body: '[' })).status,
    ).toBe(400);
    expect((await admin('/events/nope/redeliver', 'POST')).status).toBe(404);
    expect((await admin('/nothing-here')).status).toBe(404);
  });

  it('create clients (another tenant, fewer scopes), expire tokens, revoke clients, reset', async () => {
    const res = await admin('/clients', 'POST', { orgId: 'org_b', scopes: ['read:cases'] });
    expect(res.status).toBe(201);
    const client = (await res.json()) as { clientId: string; clientSecret: string; orgId: string; scopes: string[] };
    expect(client).toMatchObject({ orgId: 'org_b', scopes: ['read:cases'] });
    const theirs = api(sb, await mint(sb, client));
    expect((await postCase(theirs, { customerEmail: 'a@b.example' })).status).toBe(403);

    expect((await admin('/tokens/expire', 'POST')).status).toBe(200);
    expect((await call('/v1/cases')).status).toBe(401);
    expect((await admin(`/clients/${client.clientId}/revoke`, 'POST')).status).toBe(200);
    await expect(mint(sb, client)).rejects.toThrow(/401/);

    call = api(sb, await mint(sb));
    await postCase(call, { customerEmail: 'jane@acme.example' });
    expect((await admin('/reset', 'POST')).status).toBe(200);
    expect(((await (await admin('/cases')).json()) as { data: unknown[] }).data).toEqual([]);
  });

  it('refuse what a web page could send through the browser: non-JSON POSTs (415), foreign Host or Origin (403)', async () => {
    const { caseId } = (await (await postCase(call, { customerEmail: 'jane@acme.example' })).json()) as {
      caseId: string;
    };
    const port = new URL(sb.url).port;
    // A cross-site <form> or no-cors fetch: a "simple" request, no preflight — refused, and nothing changed.
    expect(
      await rawAdmin(
        `/cases/${caseId}/advance`,
        'POST',
        { host: `127.0.0.1:${port}`, 'content-type': 'text/plain' },
        '{"status":"approved"}',
      ),
    ).toBe(415);
    expect(
      await rawAdmin(
        `/cases/${caseId}/advance`,
        'POST',
        { host: `127.0.0.1:${port}`, 'content-type': 'application/x-www-form-urlencoded' },
        'status=approved',
      ),
    ).toBe(415);
    expect(await rawAdmin('/reset', 'POST', { host: `127.0.0.1:${port}` })).toBe(415);
    // A page elsewhere, even with the right content type (the browser would preflight; the sandbox never allows it).
    expect(
      await rawAdmin(
        '/reset',
        'POST',
        { host: `127.0.0.1:${port}`, origin: 'https://evil.example', 'content-type': 'application/json' },
        '{}',
      ),
    ).toBe(403);
    expect(
      await rawAdmin(
        '/reset',
        'POST',
        { host: `127.0.0.1:${port}`, origin: 'null', 'content-type': 'application/json' },
        '{}',
      ),
    ).toBe(403);
    // DNS rebinding: the browser thinks it talks to evil.example, and says so in Host.
    expect(await rawAdmin('/cases', 'GET', { host: `evil.example:${port}` })).toBe(403);
    expect(
      await rawAdmin('/reset', 'POST', { host: `evil.example:${port}`, 'content-type': 'application/json' }, '{}'),
    ).toBe(403);
    expect(sb.cases[0]).toMatchObject({ caseId, status: 'in-progress' });
    // Loopback in any spelling, with a local page's Origin, is fine.
    for (const host of [`localhost:${port}`, `[::1]:${port}`, `127.0.0.1:${port}`])
      expect(await rawAdmin('', 'GET', { host, origin: 'http://localhost:3000' }), host).toBe(200);
    expect(
      await rawAdmin(
        `/cases/${caseId}/advance`,
        'POST',
        { host: `127.0.0.1:${port}`, 'content-type': 'application/json; charset=utf-8' },
        '{"status":"approved"}',
      ),
    ).toBe(200);
  });

  it('require the admin token when one is set: 401 without it or with a wrong one, the API itself unaffected', async () => {
    const adminToken = 'sbadm_test_0123456789abcdef';
    const locked = await startSandbox({ adminToken });
    try {
      const get = (headers: Record<string, string> = {}) => fetch(`${locked.url}/_sandbox/cases`, { headers });
      const without = await get();
      expect(without.status).toBe(401);
      expect(await without.json()).toMatchObject({ error: 'admin_token_required' });
      expect((await get({ authorization: `Bearer ${adminToken}x` })).status).toBe(401);
      expect((await get({ authorization: adminToken })).status).toBe(401);
      expect((await get({ authorization: `Bearer ${adminToken}` })).status).toBe(200);
      const reset = await fetch(`${locked.url}/_sandbox/reset`, { method: 'POST', headers: jsonHeaders, body: '{}' });
      expect(reset.status).toBe(401);
      // FML's own routes keep their OAuth, untouched.
      expect((await mint(locked)).length).toBeGreaterThan(0);
      expect(locked.adminToken).toBe(adminToken);
      expect(JSON.stringify(locked)).not.toContain(adminToken);
    } finally {
      await locked.close();
    }
  });

  it('generate an admin token for a non-loopback host, and refuse admin tokens and knobs out of range', () => {
    for (const host of ['0.0.0.0', '::', '10.1.2.3', 'sandbox.example'])
      expect(resolveOptions({ host }).adminToken, host).toMatch(/^sbadm_[0-9a-f]{32}$/);
    for (const host of ['127.0.0.1', 'localhost', '::1', '127.0.0.2'])
      expect(resolveOptions({ host }).adminToken, host).toBeUndefined();
    expect(resolveOptions({ host: '0.0.0.0', adminToken: 'given-token-of-16+' }).adminToken).toBe('given-token-of-16+');
    for (const adminToken of ['short', 'has a space in it!!', 42])
      expect(() => resolveOptions({ adminToken: adminToken as never })).toThrow(/adminToken/);
    for (const bad of [
      { webhookTimeoutMs: 2 ** 31 },
      { webhookRetryDelaysMs: [10, 2 ** 31] },
      { tokenTtlSeconds: 1e12 },
      { rateLimit: { limit: 5, windowSeconds: 1e9 } },
      { maxBodyBytes: 2 ** 40 },
    ]) {
      expect(() => resolveOptions(bad as never), JSON.stringify(bad)).toThrow(FmlConfigError);
    }
  });

  it('refuse fault knobs out of range, from code and from the admin route', async () => {
    for (const spec of [
      { kind: 'delay', delayMs: 600_001 },
      { kind: 'delay', delayMs: 2 ** 31 },
      { kind: 'delay', delayMs: Number.POSITIVE_INFINITY },
      { kind: 'delay', delayMs: -1 },
      { kind: 'rate-limit', retryAfterSeconds: 86_401 },
      { kind: 'reset', times: 1e10 },
    ]) {
      expect(() => sb.faults.add(spec as never), JSON.stringify(spec)).toThrow(/delayMs|retryAfterSeconds|times/);
      const res = await admin('/faults', 'POST', spec);
      expect(res.status, JSON.stringify(spec)).toBe(400);
    }
    for (const body of [
      { kind: 'delay', delayMs: null },
      { kind: 'delay', delayMs: '5s' },
      { kind: 'status', status: '503' },
      { kind: 'reset', times: 0 },
    ])
      expect((await admin('/faults', 'POST', body)).status, JSON.stringify(body)).toBe(400);
    expect(sb.faults.add({ kind: 'delay', delayMs: 600_000 })).toMatchObject({ delayMs: 600_000 });
    expect(sb.faults.list()).toHaveLength(1);
  });

  it('serve a public host name only when told to (publicHosts)', async () => {
    const open = await startSandbox({ publicHosts: ['sandbox.internal'] });
    try {
      const port = new URL(open.url).port;
      const status = (host: string) =>
        new Promise<number>((resolve, reject) => {
          const req = request(`${open.url}/_sandbox`, { headers: { host } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on('error', reject);
          req.end();
        });
      expect(await status(`sandbox.internal:${port}`)).toBe(200);
      expect(await status(`other.internal:${port}`)).toBe(403);
    } finally {
      await open.close();
    }
  });

  it('serve the portal and analyst links of a case, and an overview without secrets', async () => {
    const created = (await (
      await postCase(call, { customerEmail: 'jane@acme.example', companyName: '<Acme & Co>' })
    ).json()) as { customerPortalUrl: string; analystUrl: string };
    const portal = await fetch(created.customerPortalUrl);
    expect(portal.status).toBe(200);
    expect(portal.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await portal.text();
    expect(html).toContain('&#60;Acme &#38; Co&#62;');
    expect(html).not.toContain('<Acme');
    expect((await fetch(created.analystUrl)).status).toBe(200);

    const overview = await (await admin('')).text();
    expect(JSON.parse(overview)).toMatchObject({ orgId: sb.orgId, clientIds: [sb.clientId], cases: 1 });
    expect(overview).not.toContain(sb.clientSecret);
    expect(overview).not.toContain(sb.webhookSecret);
  });
});
