import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubspotCustomCodeAction, type HubSpotActionEvent } from '../../src/hubspot/index';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';

// HubSpot caps all secret values of one Custom Code action at 1,000 characters in total; the action
// measures the secrets it reads and says so instead of failing later as a "wrong" secret.

let sb: Sandbox;
const calls: string[] = [];
beforeAll(async () => {
  sb = await startSandbox({ rateLimit: false, tokenRateLimit: false, onRequest: (e) => calls.push(e.path) });
});
afterAll(() => sb.close());

const event = (id: number): HubSpotActionEvent => ({
  object: { objectType: 'COMPANY', objectId: id },
  inputFields: { companyId: id, name: 'Acme Ltd', country: 'GB', email: 'jane@acme.example' },
});

describe('the 1,000-character secrets cap', () => {
  it('over the cap: errorCode secrets_too_long naming the lengths (never a value), and nothing is sent', async () => {
    calls.length = 0;
    const redisUrl = `redis://default:${'p'.repeat(900)}@redis.example.com:6379`;
    const env = {
      FML_CLIENT_ID: sb.clientId,
      FML_CLIENT_SECRET: sb.clientSecret,
      FML_BASE_URL: sb.url,
      REDIS_URL: redisUrl,
    };
    const { outputFields } = await hubspotCustomCodeAction({ log: false, env })(event(1));
    expect(outputFields).toMatchObject({ ok: false, errorCode: 'secrets_too_long' });
    const total = Object.values(env).reduce((n, v) => n + v.length, 0);
    expect(outputFields.errorMessage).toContain(`total ${total} characters (REDIS_URL ${redisUrl.length},`);
    expect(outputFields.errorMessage).toMatch(/over HubSpot's cap of 1000/);
    expect(outputFields.errorMessage).toMatch(/REDIS_URL/);
    expect(outputFields.errorMessage).not.toContain(sb.clientSecret);
    expect(outputFields.errorMessage).not.toContain('ppppp');
    expect(calls).toEqual([]);
  });

  it('near the cap: a working configuration still runs, and logs the warning', async () => {
    const lines: string[] = [];
    const padded = `${sb.url}${' '.repeat(950 - sb.url.length - sb.clientId.length - sb.clientSecret.length)}`;
    const env = { FML_CLIENT_ID: sb.clientId, FML_CLIENT_SECRET: sb.clientSecret, FML_BASE_URL: padded };
    const { outputFields } = await hubspotCustomCodeAction({ log: (l) => lines.push(l), env })(event(2));
    expect(outputFields.ok).toBe(true);
    expect(lines.some((l) => /near HubSpot's cap of 1000/.test(l))).toBe(true);
  });

  it('near the cap: a failure keeps its errorCode and its message names the cap as the likely cause', async () => {
    const wrongSecret = 'x'.repeat(950 - sb.clientId.length - sb.url.length);
    const env = { FML_CLIENT_ID: sb.clientId, FML_CLIENT_SECRET: wrongSecret, FML_BASE_URL: sb.url };
    const { outputFields } = await hubspotCustomCodeAction({ log: false, env })(event(3));
    expect(outputFields.ok).toBe(false);
    expect(outputFields.errorCode).toBe('invalid_client');
    expect(outputFields.errorMessage).toMatch(
      /total 950 characters .* near HubSpot's cap of 1000 .* a value cut at the cap fails like a wrong one/,
    );
    expect(outputFields.errorMessage).not.toContain(wrongSecret);
  });

  it('well under the cap: no note', async () => {
    const env = { FML_CLIENT_ID: sb.clientId, FML_CLIENT_SECRET: 'wrong-but-short-secret', FML_BASE_URL: sb.url };
    const { outputFields } = await hubspotCustomCodeAction({ log: false, env })(event(4));
    expect(outputFields.ok).toBe(false);
    expect(outputFields.errorMessage).not.toMatch(/cap of 1000/);
  });
});
