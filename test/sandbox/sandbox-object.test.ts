import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { FmlConfigError } from '../../src/errors';
import { startSandbox, type RequestLogEntry, type Sandbox } from '../../src/sandbox/index';
import { api, mint, postCase } from './helpers';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

describe('startSandbox()', () => {
  it('listens on 127.0.0.1 on an ephemeral port, and every response carries X-Request-Id', async () => {
    sb = await startSandbox();
    expect(sb.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sb.url.endsWith(':0')).toBe(false);
    for (const res of [
      await fetch(`${sb.url}/v1/cases`),
      await fetch(`${sb.url}/nowhere`),
      await fetch(`${sb.url}/_sandbox`),
    ]) {
      expect(res.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{24}$/);
    }
    const wrongMethod = await fetch(`${sb.url}/v1/events`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
  });

  it('keeps secrets out of util.inspect and JSON.stringify, yet readable as properties', async () => {
    sb = await startSandbox();
    const token = await mint(sb);
    const other = sb.createClient({ orgId: 'org_two', scopes: ['read:cases'] });
    for (const text of [
      inspect(sb, { depth: 10, showHidden: true }),
      JSON.stringify(sb),
      inspect(other, { showHidden: true }),
      JSON.stringify(other),
      String(sb),
      JSON.stringify(sb.deliveries),
      inspect(sb.faults, { showHidden: true, depth: 10 }),
    ]) {
      expect(text).not.toContain(sb.clientSecret);
      expect(text).not.toContain(sb.webhookSecret);
      expect(text).not.toContain(other.clientSecret);
      expect(text).not.toContain(token);
    }
    expect(inspect(sb)).toContain(sb.clientId);
    expect(sb.clientSecret).toMatch(/^sk_test_/);
    expect(sb.webhookSecret).toMatch(/^whsec_/);
    expect(other.clientSecret).toMatch(/^sk_test_/);
    expect(other).toMatchObject({ orgId: 'org_two', scopes: ['read:cases'] });
  });

  it('logs one line per request through onRequest, with no header, body or secret', async () => {
    const lines: RequestLogEntry[] = [];
    sb = await startSandbox({ onRequest: (e) => lines.push(e) });
    const call = api(sb, await mint(sb));
    await postCase(call, { customerEmail: 'jane@acme.example' });
    sb.faults.serverError(502);
    await call('/v1/cases');
    expect(lines.map((l) => `${l.method} ${l.path} ${l.status}${l.fault ? ` ${l.fault}` : ''}`)).toEqual([
      'POST /v1/oauth/token 200',
      'POST /v1/cases 201',
      'GET /v1/cases 502 status',
    ]);
    expect(JSON.stringify(lines)).not.toContain(sb.clientSecret);
  });

  it('reset() forgets cases, events, keys, endpoints and faults but keeps clients and tokens', async () => {
    sb = await startSandbox();
    const call = api(sb, await mint(sb));
    await postCase(call, { customerEmail: 'jane@acme.example', crmRecordId: '1' }, { 'idempotency-key': 'k' });
    sb.addWebhookEndpoint('http://127.0.0.1:9/x', { events: ['none'] });
    sb.faults.serverError(500, { path: '/nowhere' });
    sb.reset();
    expect([sb.cases, sb.events, sb.webhookEndpoints, sb.faults.list(), sb.deliveries]).toEqual([[], [], [], [], []]);
    const again = await postCase(
      call,
      { customerEmail: 'jane@acme.example', crmRecordId: '1' },
      { 'idempotency-key': 'k' },
    );
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replay')).toBeNull();
  });

  it('refuses options that cannot work with FmlConfigError', async () => {
    await expect(startSandbox({ port: -1 })).rejects.toBeInstanceOf(FmlConfigError);
    await expect(startSandbox({ tokenTtlSeconds: 0 })).rejects.toThrow(/tokenTtlSeconds/);
    await expect(startSandbox({ rateLimit: 0 })).rejects.toThrow(/rateLimit/);
    await expect(startSandbox({ webhookRetryDelaysMs: [-5] })).rejects.toThrow(/webhookRetryDelaysMs/);
    await expect(startSandbox({ clientSecret: '' })).rejects.toThrow(/clientSecret/);
  });

  it('reports a taken port, and close() is safe to call twice and ends keep-alive connections', async () => {
    sb = await startSandbox();
    const port = Number(new URL(sb.url).port);
    await expect(startSandbox({ port })).rejects.toThrow(/EADDRINUSE/);
    await fetch(`${sb.url}/v1/cases`); // leaves a keep-alive socket open
    await Promise.all([sb.close(), sb.close()]);
    await expect(fetch(`${sb.url}/v1/cases`)).rejects.toThrow();
    sb = undefined;
  });

  it('rejects a request body over maxBodyBytes with 413', async () => {
    sb = await startSandbox({ maxBodyBytes: 200 });
    const res = await postCase(api(sb, await mint(sb)), { customerEmail: `${'x'.repeat(300)}@acme.example` });
    expect(res.status).toBe(413);
    expect(sb.cases).toHaveLength(0);
  });
});
