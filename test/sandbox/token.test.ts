import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { api, jsonHeaders, manualClock, mint, postCase } from './helpers';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

const tokenRequest = (s: Sandbox, body: string, headers: Record<string, string> = jsonHeaders) =>
  fetch(`${s.url}/v1/oauth/token`, { method: 'POST', headers, body });

describe('POST /v1/oauth/token', () => {
  it('mints a JWT-shaped bearer from a JSON body, with every scope of the client', async () => {
    sb = await startSandbox();
    const res = await tokenRequest(
      sb,
      JSON.stringify({ grant_type: 'client_credentials', client_id: sb.clientId, client_secret: sb.clientSecret }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(String(body.scope).split(' ')).toContain('cases:write');
    const parts = String(body.access_token).split('.');
    expect(parts).toHaveLength(3);
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(payload).toMatchObject({ sub: sb.clientId, org: sb.orgId });
    expect(Number(payload.exp) - Number(payload.iat)).toBe(3600);
  });

  it('accepts a form-encoded body and HTTP Basic client authentication', async () => {
    sb = await startSandbox();
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: sb.clientId,
      client_secret: sb.clientSecret,
    });
    const viaForm = await tokenRequest(sb, form.toString(), { 'content-type': 'application/x-www-form-urlencoded' });
    expect(viaForm.status).toBe(200);
    const basic = Buffer.from(`${sb.clientId}:${sb.clientSecret}`).toString('base64');
    const viaBasic = await tokenRequest(sb, 'grant_type=client_credentials', {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${basic}`,
    });
    expect(viaBasic.status).toBe(200);
    expect(((await viaBasic.json()) as { access_token: string }).access_token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('returns the configured expires_in', async () => {
    sb = await startSandbox({ tokenTtlSeconds: 5 });
    const res = await tokenRequest(
      sb,
      JSON.stringify({ grant_type: 'client_credentials', client_id: sb.clientId, client_secret: sb.clientSecret }),
    );
    expect(((await res.json()) as { expires_in: number }).expires_in).toBe(5);
  });

  it('answers 401 invalid_client for a wrong secret or unknown client, without echoing the secret', async () => {
    sb = await startSandbox();
    for (const [id, secret] of [
      [sb.clientId, 'sk_test_wrong'],
      ['pk_test_nobody', sb.clientSecret],
    ] as const) {
      const res = await tokenRequest(
        sb,
        JSON.stringify({ grant_type: 'client_credentials', client_id: id, client_secret: secret }),
      );
      expect(res.status).toBe(401);
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({ error: 'invalid_client' });
      expect(text).not.toContain(secret);
    }
  });

  it('answers 400 unsupported_grant_type for another grant and invalid_request for a missing one', async () => {
    sb = await startSandbox();
    const other = await tokenRequest(
      sb,
      JSON.stringify({ grant_type: 'password', client_id: sb.clientId, client_secret: sb.clientSecret }),
    );
    expect(other.status).toBe(400);
    expect(await other.json()).toMatchObject({ error: 'unsupported_grant_type' });
    const missing = await tokenRequest(sb, JSON.stringify({ client_id: sb.clientId, client_secret: sb.clientSecret }));
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: 'invalid_request' });
    const notJson = await tokenRequest(sb, '{oops', jsonHeaders);
    expect(notJson.status).toBe(400);
    const plain = await tokenRequest(sb, 'hello', { 'content-type': 'text/plain' });
    expect(plain.status).toBe(400);
    expect(await plain.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('grants a requested subset of scopes and refuses scopes the client lacks (400 invalid_scope)', async () => {
    sb = await startSandbox();
    const narrow = sb.createClient({ scopes: ['read:cases'] });
    const ok = await tokenRequest(
      sb,
      JSON.stringify({
        grant_type: 'client_credentials',
        client_id: sb.clientId,
        client_secret: sb.clientSecret,
        scope: 'read:cases',
      }),
    );
    expect(((await ok.json()) as { scope: string }).scope).toBe('read:cases');
    const refused = await tokenRequest(
      sb,
      JSON.stringify({
        grant_type: 'client_credentials',
        client_id: narrow.clientId,
        client_secret: narrow.clientSecret,
        scope: 'read:cases cases:write',
      }),
    );
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_scope' });
  });

  it('allows 30 token requests per minute per client, then 429 with Retry-After in seconds', async () => {
    const clock = manualClock();
    sb = await startSandbox({ now: clock.now });
    const other = sb.createClient();
    const body = JSON.stringify({
      grant_type: 'client_credentials',
      client_id: sb.clientId,
      client_secret: sb.clientSecret,
    });
    for (let i = 0; i < 30; i++) {
      clock.advance(100);
      expect((await tokenRequest(sb, body)).status).toBe(200);
    }
    const limited = await tokenRequest(sb, body);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await limited.json()).toMatchObject({ error: 'rate_limited' });
    // Another client has its own budget.
    expect((await mint(sb, other)).length).toBeGreaterThan(0);
    clock.advance(retryAfter * 1000);
    expect((await tokenRequest(sb, body)).status).toBe(200);
  });

  it('honours tokenRateLimit options, including turning the limit off', async () => {
    sb = await startSandbox({ tokenRateLimit: 2 });
    await mint(sb);
    await mint(sb);
    await expect(mint(sb)).rejects.toThrow(/429/);
    await sb.close();
    sb = await startSandbox({ tokenRateLimit: false });
    for (let i = 0; i < 40; i++) await mint(sb);
  });
});

describe('bearer tokens on API calls', () => {
  it('answers 401 invalid_token for a missing, unknown or expired bearer', async () => {
    const clock = manualClock();
    sb = await startSandbox({ now: clock.now, tokenTtlSeconds: 60 });
    const token = await mint(sb);
    expect((await api(sb, token)('/v1/cases')).status).toBe(200);

    const missing = await fetch(`${sb.url}/v1/cases`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ error: 'invalid_token' });
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer /);

    const unknown = await api(sb, 'eyJ.eyJ.sig')('/v1/cases');
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ error: 'invalid_token' });

    clock.advance(60_000);
    const expired = await api(sb, token)('/v1/cases');
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('stops honouring tokens after expireTokens() and after the client is revoked', async () => {
    sb = await startSandbox();
    const token = await mint(sb);
    sb.expireTokens();
    expect((await api(sb, token)('/v1/cases')).status).toBe(401);

    const other = sb.createClient();
    const otherToken = await mint(sb, other);
    sb.revokeClient(other.clientId);
    expect((await api(sb, otherToken)('/v1/cases')).status).toBe(401);
    await expect(mint(sb, other)).rejects.toThrow(/401/);
  });

  it('answers 403 insufficient_scope when a client without cases:write creates a case', async () => {
    sb = await startSandbox();
    const reader = sb.createClient({ scopes: ['read:cases', 'read:events'] });
    const call = api(sb, await mint(sb, reader));
    const res = await postCase(call, { customerEmail: 'jane@acme.example' });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: 'insufficient_scope' });
    expect(sb.cases).toHaveLength(0);
    expect((await call('/v1/cases')).status).toBe(200);
  });
});
