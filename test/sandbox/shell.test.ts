import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FmlConfigError } from '../../src/errors';
import { startFakeHubSpot, type FakeHubSpot } from '../../src/sandbox/fake-hubspot';
import { startFakeHubSpotAutomation, type FakeHubSpotAutomation } from '../../src/sandbox/fake-hubspot-automation';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { RouteTable } from '../../src/sandbox/shell/route-table';

// The three servers of the sandbox (FML's API with its /_sandbox routes, the fake HubSpot CRM, the fake
// HubSpot automation API) stand on one HTTP shell: one route table, one body limit, waits that end on
// close, one fault engine. These tests hold each server to that, over real HTTP on loopback.

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(open.splice(0).map((s) => s.close()));
});
const keep = <T extends { close(): Promise<void> }>(server: T): T => {
  open.push(server);
  return server;
};

const sandbox = async (options: Parameters<typeof startSandbox>[0] = {}): Promise<Sandbox> =>
  keep(await startSandbox(options));
const crm = async (options: Parameters<typeof startFakeHubSpot>[0] = {}): Promise<FakeHubSpot> =>
  keep(await startFakeHubSpot(options));
const automation = async (
  options: Partial<Parameters<typeof startFakeHubSpotAutomation>[0]> = {},
): Promise<FakeHubSpotAutomation> =>
  keep(await startFakeHubSpotAutomation({ appSecret: 'app-secret-for-shell-tests', ...options }));

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A loopback app that answers every execution with BLOCK, so the automation has a callback to complete. */
async function blockingApp(): Promise<string> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ outputFields: { hs_execution_state: 'BLOCK' } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  keep({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/act`;
}

/** A request over node:http without an agent; resolves how it ended. `abortAfter` gives up once the request is sent. */
function send(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; abort?: Promise<unknown> } = {},
): Promise<string> {
  return new Promise((resolve) => {
    const req = request(url, { method: init.method ?? 'GET', agent: false, headers: init.headers ?? {} }, (res) => {
      res.resume();
      res.on('end', () => resolve(`answered ${res.statusCode}`));
      res.on('error', () => resolve('dropped'));
    });
    req.on('error', () => resolve('dropped'));
    req.end(init.body);
    void init.abort?.then(() => req.destroy());
  });
}

async function until(condition: () => boolean): Promise<void> {
  // setImmediate, not setTimeout: some tests fake setTimeout.
  for (let i = 0; i < 5000 && !condition(); i++) await new Promise((r) => setImmediate(r));
  if (!condition()) throw new Error('condition never held');
}

describe('one route table: a known path with another method is 405 with Allow', () => {
  it('FML API and /_sandbox admin routes', async () => {
    const sb = await sandbox();
    const api = await fetch(`${sb.url}/v1/cases`, { method: 'DELETE' });
    expect(api.status).toBe(405);
    expect(api.headers.get('allow')).toBe('GET, POST');
    expect(await api.json()).toMatchObject({ error: 'method_not_allowed' });
    const admin = await fetch(`${sb.url}/_sandbox/reset`);
    expect(admin.status).toBe(405);
    expect(admin.headers.get('allow')).toBe('POST');
    const faults = await fetch(`${sb.url}/_sandbox/faults`, { method: 'PUT' });
    expect(faults.headers.get('allow')).toBe('GET, POST, DELETE');
    expect((await fetch(`${sb.url}/_sandbox/nothing-here`)).status).toBe(404);
    expect((await fetch(`${sb.url}/v1/nothing-here`)).status).toBe(404);
  });

  it('fake HubSpot CRM, with routes added by the test joining the Allow list', async () => {
    const hs = await crm();
    const wrong = await fetch(`${hs.url}/crm/v3/objects/companies/1`, {
      method: 'DELETE',
      headers: bearer(hs.accessToken),
    });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, PATCH');
    expect(await wrong.json()).toMatchObject({
      status: 'error',
      category: 'METHOD_NOT_ALLOWED',
      correlationId: expect.any(String),
    });
    hs.route('DELETE', /^\/crm\/v3\/objects\/companies\/([^/]+)$/, (req, fake) => ({
      status: fake.companies.delete(req.params[0]!) ? 204 : 404,
    }));
    const id = hs.createCompany({ name: 'Acme' }).id;
    expect(
      (await fetch(`${hs.url}/crm/v3/objects/companies/${id}`, { method: 'DELETE', headers: bearer(hs.accessToken) }))
        .status,
    ).toBe(204);
    const put = await fetch(`${hs.url}/crm/v3/objects/companies/${id}`, {
      method: 'PUT',
      headers: bearer(hs.accessToken),
    });
    expect(put.headers.get('allow')).toBe('DELETE, GET, PATCH');
    expect(hs.requests.map((r) => r.status)).toEqual([405, 204, 405]);
  });

  it('fake HubSpot automation: callbacks and definitions APIs', async () => {
    const hs = await automation();
    const callbacks = await fetch(`${hs.url}/automation/v4/actions/callbacks/complete`, {
      headers: bearer(hs.accessToken),
    });
    expect(callbacks.status).toBe(405);
    expect(callbacks.headers.get('allow')).toBe('POST');
    const definition = await fetch(
      `${hs.url}/automation/actions/2026-03/${hs.appId}/101?hapikey=${hs.developerApiKey}`,
      { method: 'DELETE' },
    );
    expect(definition.status).toBe(405);
    expect(definition.headers.get('allow')).toBe('GET, PATCH');
    expect(hs.requests.map((r) => [r.status, r.apiVersion])).toEqual([
      [405, 'v4'],
      [405, '2026-03'],
    ]);
  });

  it("the table itself: routes added later are checked after earlier ones and before the table's own", () => {
    const table = new RouteTable<string>([['GET', /^\/a$/, 'built-in']]);
    table.add('GET', /^\/a$/, 'first added');
    table.add('GET', /^\/a$/, 'second added');
    table.add('post', /^\/b\/([^/]+)$/, 'b');
    expect(table.find('GET', '/a')).toEqual({ kind: 'found', handler: 'first added', params: [] });
    expect(table.find('POST', '/b/x%20y')).toEqual({ kind: 'found', handler: 'b', params: ['x%20y'] });
    expect(table.find('PATCH', '/a')).toEqual({ kind: 'wrong-method', allow: ['GET'] });
    expect(table.find('GET', '/c')).toEqual({ kind: 'not-found' });
  });
});

describe("one body limit: a larger body gets the server's own 413", () => {
  const big = JSON.stringify({ pad: 'x'.repeat(4096) });

  it("FML sandbox: FML's error body, logged", async () => {
    const log: { status: number; path: string }[] = [];
    const sb = await sandbox({ maxBodyBytes: 1024, onRequest: (e) => log.push(e) });
    const res = await fetch(`${sb.url}/v1/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: big,
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('x-request-id')).toMatch(/\S/);
    expect(await res.json()).toMatchObject({ error: 'payload_too_large', message: 'Request body exceeds 1024 bytes.' });
    expect(log).toEqual([expect.objectContaining({ path: '/v1/cases', status: 413 })]);
    expect(sb.cases.length).toBe(0);
  });

  it("fake HubSpot CRM: HubSpot's error body, recorded, nothing written", async () => {
    const hs = await crm({ maxBodyBytes: 1024 });
    const res = await fetch(`${hs.url}/crm/v3/objects/companies`, {
      method: 'POST',
      headers: { ...bearer(hs.accessToken), 'content-type': 'application/json' },
      body: big,
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    expect(hs.requests).toEqual([
      expect.objectContaining({ method: 'POST', path: '/crm/v3/objects/companies', status: 413 }),
    ]);
    expect(hs.companies.size).toBe(0);
  });
});

describe('waits that end: no server hangs on a delayed answer', () => {
  it('fake HubSpot CRM: a delay ends when its client gives up, unhandled, and its timer is cleared', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const hs = await crm();
    const company = hs.createCompany({ name: 'Before' });
    hs.faults.delay(60_000, { path: '/crm/v3/objects/companies/' });
    let giveUp!: () => void;
    const pending = send(`${hs.url}/crm/v3/objects/companies/${company.id}`, {
      method: 'PATCH',
      headers: { ...bearer(hs.accessToken), 'content-type': 'application/json' },
      body: JSON.stringify({ properties: { name: 'After' } }),
      abort: new Promise<void>((resolve) => (giveUp = resolve)),
    });
    await until(() => vi.getTimerCount() === 1); // held by the fault's timer
    giveUp();
    expect(await pending).toBe('dropped');
    await until(() => hs.requests.length === 1);
    expect(vi.getTimerCount()).toBe(0);
    expect(hs.requests).toEqual([expect.objectContaining({ method: 'PATCH', status: 0, fault: 'delay' })]);
    expect(company.properties.name).toBe('Before'); // the client left before it was handled
  });

  it('fake HubSpot automation: closing aborts a /crm request it is passing on to a CRM that holds it', async () => {
    const hs = await crm();
    const front = await automation({ accessToken: hs.accessToken, crm: hs });
    hs.faults.delay(60_000);
    const pending = send(`${front.url}/crm/v3/objects/companies/1`, { headers: bearer(hs.accessToken) });
    await until(() => hs.requests.length === 0 && front.requests.length === 0 && hs.faults.list().length === 0); // the CRM took the fault
    await front.close();
    expect(await pending).toBe('dropped');
    // The pass-through was aborted, so the CRM saw its client leave and ended the delay unhandled.
    await until(() => hs.requests.length === 1);
    expect(hs.requests).toEqual([expect.objectContaining({ status: 0, fault: 'delay' })]);
  });

  it("fake HubSpot automation: a CRM it cannot reach is a 502 in HubSpot's shape", async () => {
    const gone = await startFakeHubSpot();
    await gone.close();
    const front = await automation({ crm: gone });
    const res = await fetch(`${front.url}/crm/v3/objects/companies/1`, { headers: bearer(gone.accessToken) });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ status: 'error', category: 'INTERNAL_ERROR' });
  });
});

describe('one fault engine: matching apart from counting', () => {
  it("fake HubSpot CRM: list, remove, times 'always', and a prefix path", async () => {
    const hs = await crm();
    const rule = hs.faults.serverError({ status: 503, path: '/crm/v3/objects/companies', times: 'always' });
    expect(hs.faults.list()).toEqual([
      expect.objectContaining({
        id: rule.id,
        kind: 'server-error',
        status: 503,
        path: '/crm/v3/objects/companies',
        remaining: 'always',
        hits: 0,
      }),
    ]);
    const get = (path: string) => fetch(`${hs.url}${path}`, { headers: bearer(hs.accessToken) }).then((r) => r.status);
    expect(await get('/crm/v3/objects/companies/1')).toBe(503);
    expect(await get('/crm/v3/objects/companies/2')).toBe(503);
    expect(await get('/crm/v3/properties/companies')).toBe(200); // outside the prefix
    expect(hs.faults.list()[0]).toMatchObject({ hits: 2, remaining: 'always' });
    expect(hs.faults.remove(rule.id)).toBe(true);
    expect(hs.faults.remove(rule.id)).toBe(false);
    expect(await get('/crm/v3/objects/companies/1')).toBe(404);
  });

  it('fake HubSpot CRM: a request refused for its token takes no fault', async () => {
    const hs = await crm();
    hs.faults.rateLimit();
    expect((await fetch(`${hs.url}/crm/v3/objects/companies/1`)).status).toBe(401);
    expect(hs.faults.list()).toEqual([expect.objectContaining({ kind: 'rate-limit', hits: 0, remaining: 1 })]);
    expect((await fetch(`${hs.url}/crm/v3/objects/companies/1`, { headers: bearer(hs.accessToken) })).status).toBe(429);
    expect(hs.faults.list()).toEqual([]);
  });

  it('fake HubSpot CRM: resetConnection drops before handling; loseResponse drops after the write', async () => {
    const hs = await crm();
    const company = hs.createCompany({ name: 'Before' });
    const patch = (name: string) =>
      fetch(`${hs.url}/crm/v3/objects/companies/${company.id}`, {
        method: 'PATCH',
        headers: { ...bearer(hs.accessToken), 'content-type': 'application/json' },
        body: JSON.stringify({ properties: { name } }),
      });
    hs.faults.resetConnection({ method: 'PATCH' });
    await expect(patch('Reset')).rejects.toThrow();
    expect(company.properties.name).toBe('Before');
    hs.faults.loseResponse({ method: 'patch' });
    await expect(patch('Lost')).rejects.toThrow();
    expect(company.properties.name).toBe('Lost');
    expect(hs.requests.map((r) => [r.status, r.fault])).toEqual([
      [0, 'reset'],
      [0, 'lose-response'],
    ]);
    expect((await patch('Answered')).status).toBe(200);
  });

  it('every server refuses a bad knob with FmlConfigError, never a silent default', async () => {
    const sb = await sandbox();
    const hs = await crm();
    const auto = await automation();
    expect(() => sb.faults.delay(-1)).toThrow(FmlConfigError);
    expect(() => hs.faults.delay(1.5)).toThrow(/Invalid fake HubSpot fault: delay/);
    expect(() => hs.faults.rateLimit({ times: 0 })).toThrow(/times must be a whole number/);
    expect(() => hs.faults.serverError({ status: 404 })).toThrow(/status must be 500–599/);
    expect(() => auto.failCompletions({ status: 200 })).toThrow(/Invalid fake HubSpot automation fault: status/);
    expect(hs.faults.list()).toEqual([]);
  });

  it('fake HubSpot automation: a drop fault counts only a completion that went through', async () => {
    const hs = await automation();
    const run = await hs.execute({ actionUrl: await blockingApp() });
    expect(hs.blockedCallbacks).toEqual([run.callbackId]);
    hs.failCompletions({ status: 'drop' });
    const complete = (callbackId: string) =>
      fetch(`${hs.url}/automation/v4/actions/callbacks/${callbackId}/complete`, {
        method: 'POST',
        headers: { ...bearer(hs.accessToken), 'content-type': 'application/json' },
        body: JSON.stringify({ outputFields: { hs_execution_state: 'SUCCESS' } }),
      });
    expect((await complete('ap-unknown')).status).toBe(404); // refused: the fault is still on
    await expect(complete(run.callbackId)).rejects.toThrow(); // completed, answer dropped
    expect(hs.completions.map((c) => c.callbackId)).toEqual([run.callbackId]);
    expect(hs.requests.map((r) => r.status)).toEqual([404, 0]);
    expect((await complete(run.callbackId)).status).toBe(400); // the fault is spent; HubSpot says already completed
  });
});
